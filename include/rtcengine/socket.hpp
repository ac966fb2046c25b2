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

/// A handle on one socket (Engine::socket(), on_socket()); threads as said
/// above. Setting a handler replaces the old one; nullptr removes it.
class Socket final {
 public:
  /// Each message, JSON or binary (on_data()).
  using DataHandler = std::function<void(const Message& message)>;
  /// The payload of one custom event (on_event()).
  using EventHandler = std::function<void(const Json& payload)>;
  /// The socket closed (on_close()).
  using CloseHandler = std::function<void()>;
  /// Something went wrong that does not close the socket (on_error()).
  using ErrorHandler = std::function<void(const Error& error)>;
  /// The send buffer has room again (on_drain()).
  using DrainHandler = std::function<void()>;

  /// The largest single message: what SCTP peers (browsers included) accept.
  static constexpr std::size_t kMaxMessageSize = 256 * 1024;
  /// Bytes written but not yet sent that a socket holds at most.
  static constexpr std::size_t kDefaultMaxBuffered = 8 * 1024 * 1024;

  /// Made by the engine; not for direct use.
  explicit Socket(std::shared_ptr<detail::SocketCore> core);
  ~Socket();

  /// The label both sides opened it with.
  [[nodiscard]] const std::string& label() const;
  /// True until close() is called here or the socket closes.
  [[nodiscard]] bool is_open() const;

  /// Sends a JSON value as a text frame ("hello" goes as "\"hello\"").
  /// When the send buffer is full, waits for room; on the engine's thread,
  /// where waiting would deadlock, throws BufferFullError instead.
  /// Throws MessageTooLargeError over kMaxMessageSize (the socket stays
  /// usable), UsageError for a string that is not UTF-8, and ClosedError
  /// once closed.
  void write(const Json& value);
  /// Sends bytes as a binary frame; same rules as write().
  void write_binary(std::span<const std::uint8_t> bytes);
  /// Sends `size` bytes from `data` as a binary frame; same rules as write().
  void write_binary(const void* data, std::size_t size);
  /// Sends a custom event the peer receives through on_event(name, ...);
  /// same rules as write().
  void write_event(std::string_view name, const Json& payload = nullptr);

  /// Like write() but never waits: false when there is no room (on_drain()
  /// then fires once there is). Throws as write() does otherwise; never
  /// BufferFullError.
  [[nodiscard]] bool try_write(const Json& value);
  /// Like write_binary() but never waits: false when there is no room.
  [[nodiscard]] bool try_write_binary(std::span<const std::uint8_t> bytes);

  /// Bytes accepted by write() that the peer connection has not sent yet.
  [[nodiscard]] std::size_t buffered_amount() const;
  /// Sets how many unsent bytes the socket holds before writes wait
  /// (kDefaultMaxBuffered by default; kept between 1 byte and 15 MiB).
  void set_max_buffered(std::size_t bytes);
  /// Waits until there is room for a message of `size` bytes; false on
  /// timeout or once closing. Throws UsageError on the engine's thread
  /// (use on_drain() there).
  [[nodiscard]] bool wait_writable(std::chrono::milliseconds timeout, std::size_t size = 1);
  /// Called on the engine's thread whenever the send buffer drops to half
  /// after try_write() (or write() on the engine's thread) found it full.
  void on_drain(DrainHandler handler);

  /// Called on the engine's thread for each message; messages that arrived
  /// before it was set are delivered first, in order.
  void on_data(DataHandler handler);
  /// Called on the engine's thread for each custom event `name`; events
  /// kept before it was set come first.
  void on_event(const std::string& name, EventHandler handler);
  /// Called on the engine's thread once the socket closed, on either side's
  /// request; at once (there) when it already has.
  void on_close(CloseHandler handler);
  /// Called on the engine's thread for malformed frames from the peer, and
  /// frames that could not be kept; errors reported before it was set are
  /// kept (bounded) for it.
  void on_error(ErrorHandler handler);

  /// Sends everything already written, then closes; on_close fires once on
  /// both sides. Returns at once (wait_closed() waits); calling it again
  /// does nothing. Once it returned no data, event or drain handler of this
  /// socket starts, not even for frames already arrived; called on another
  /// thread while one runs, it waits for that one. Safe inside a handler
  /// (docs/api.md, "Handlers and close()").
  void close();
  /// Waits until the socket is closed; false on timeout. Throws UsageError
  /// on the engine's thread (use on_close() there).
  [[nodiscard]] bool wait_closed(std::chrono::milliseconds timeout) const;

  /// What this socket carried so far; asks the engine's thread and waits.
  [[nodiscard]] SocketStats stats() const;

 private:
  friend class detail::SocketAccess;  // src/socket/socket_access.hpp
  std::shared_ptr<detail::SocketCore> core_;
};

/// How the engine hands out sockets.
using SocketPtr = std::shared_ptr<Socket>;

}  // namespace rtcengine
