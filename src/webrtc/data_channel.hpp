// One libwebrtc data channel, seen through plain C++ types. Every method and
// every callback runs on the EventLoop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "rtcengine/stats.hpp"

namespace rtcengine::detail {

class DataChannel {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    std::function<void()> on_closed;
    std::function<void(const std::uint8_t* data, std::size_t size, bool binary)> on_message;
    // `sent` bytes left libwebrtc's send buffer.
    std::function<void(std::uint64_t sent)> on_sent;
  };

  virtual ~DataChannel() = default;
  virtual std::string label() const = 0;
  virtual int id() const = 0;
  virtual bool is_open() const = 0;
  virtual bool is_closed() const = 0;
  // Callbacks replace earlier ones; messages that arrived before the first
  // set are delivered then (libwebrtc keeps them until an observer exists).
  virtual void set_callbacks(Callbacks callbacks) = 0;
  virtual void clear_callbacks() = 0;
  // False when the channel is not open or libwebrtc refused the message.
  virtual bool send(const std::uint8_t* data, std::size_t size, bool binary) = 0;
  virtual std::uint64_t buffered_amount() const = 0;
  // Reads the bytes the SCTP transport still queues for this channel:
  // handed over, so not in buffered_amount(), but not sent yet, and dropped
  // by close(). `done` runs later on the EventLoop; for closing, not per write.
  virtual void read_transport_queued(std::function<void(std::uint64_t queued)> done) = 0;
  virtual void close() = 0;
  virtual SocketStats stats() const = 0;
};

}  // namespace rtcengine::detail
