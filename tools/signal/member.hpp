// A client inside a room, as the room and the server see it: something that
// can be sent a text frame or told to leave. WebSocketSession implements it
// for ws:// and wss:// alike.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "control_message.hpp"

namespace rtcengine::signal_server {

class Member {
 public:
  virtual ~Member() = default;

  // Queues a text frame; a member that cannot keep up is disconnected
  // (slow-consumer) rather than allowed to grow its queue.
  virtual void deliver(std::shared_ptr<const std::string> text) = 0;
  // Sends the error, then closes with its close code. Idempotent.
  virtual void fail(RoomError error, std::string_view text) = 0;
  virtual std::uint64_t id() const = 0;
};

}  // namespace rtcengine::signal_server
