// A socket: a labelled, message-oriented, two-way channel to the peer, with
// custom events and back-pressure. Frames follow rtc-engine's wire format, so
// a browser running rtc-engine reads them too.
//
// Threads: every method may be called from any thread. Handlers run on the
// engine's thread, one at a time; never block inside one. Frames that arrive
// before their handler is set are kept (bounded) and delivered when it is.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "rtcengine/errors.hpp"
#include "rtcengine/message.hpp"
#include "rtcengine/stats.hpp"

namespace rtcengine {

namespace detail {
class SocketCore;
class SocketAccess;
}  // namespace detail

class Socket {
 public:
  using DataHandler = std::function<void(const Message& message)>;
  using EventHandler = std::function<void(const Json& payload)>;
  using CloseHandler = std::function<void()>;
  using ErrorHandler = std::function<void(const Error& error)>;
  using DrainHandler = std::function<void()>;

  // The largest single message: what SCTP peers (browsers included) accept.
  static constexpr std::size_t kMaxMessageSize = 256 * 1024;
  // Bytes written but not yet sent that a socket holds at most.
  static constexpr std::size_t kDefaultMaxBuffered = 8 * 1024 * 1024;

  explicit Socket(std::shared_ptr<detail::SocketCore> core);
  ~Socket();

  const std::string& label() const;
  bool is_open() const;

  // Sends a JSON value as a text frame ("hello" goes as "\"hello\"").
  // When the send buffer is full, waits for room; on the engine's thread,
  // where waiting would deadlock, throws BufferFullError instead.
  // Throws MessageTooLargeError over kMaxMessageSize (the socket stays
  // usable) and ClosedError once closed.
  void write(const Json& value);
  // Sends bytes as a binary frame; same rules as write().
  void write_binary(std::span<const std::uint8_t> bytes);
  void write_binary(const void* data, std::size_t size);
  // Sends a custom event the peer receives through on_event(name, ...).
  void write_event(std::string_view name, const Json& payload = nullptr);

  // Like write()/write_binary() but never waits: false when there is no room.
  bool try_write(const Json& value);
  bool try_write_binary(std::span<const std::uint8_t> bytes);

  // Bytes accepted by write() that the peer connection has not sent yet.
  std::size_t buffered_amount() const;
  void set_max_buffered(std::size_t bytes);
  // Waits until there is room for a message of `size` bytes; false on timeout.
  bool wait_writable(std::chrono::milliseconds timeout, std::size_t size = 1);
  // Called on the engine's thread whenever the send buffer drops to half.
  void on_drain(DrainHandler handler);

  void on_data(DataHandler handler);
  void on_event(const std::string& name, EventHandler handler);
  void on_close(CloseHandler handler);
  // Malformed frames from the peer, and frames that could not be kept.
  void on_error(ErrorHandler handler);

  // Sends everything already written, then closes; close fires on both sides.
  void close();
  // Waits until the socket is closed; false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout) const;

  SocketStats stats() const;

 private:
  friend class detail::SocketAccess;  // src/socket/socket_access.hpp
  std::shared_ptr<detail::SocketCore> core_;
};

using SocketPtr = std::shared_ptr<Socket>;

}  // namespace rtcengine
