// The state behind a Socket: its data channel, the bounded outbox that gives
// writers back-pressure, the inbox that keeps early frames, and the
// rtc-engine handshake (`__received`). Writers may be on any thread; all
// channel work and every handler run on the engine's EventLoop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "negotiation/peer_extensions.hpp"
#include "rtcengine/errors.hpp"
#include "rtcengine/message.hpp"
#include "rtcengine/socket.hpp"
#include "socket/inbox.hpp"
#include "util/handler_gate.hpp"
#include "webrtc/data_channel.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

inline constexpr const char* kReceivedEvent = "__received";
// Extension: the close marker of the close handshake, sent only to peers
// that announced it.
inline constexpr const char* kCloseEvent = "__close";

class SocketCore : public std::enable_shared_from_this<SocketCore> {
 public:
  // The creator opened the channel and waits for the peer's `__received`;
  // the receiver got it from the peer and sends `__received` when claimed.
  enum class Side { creator, receiver };
  enum class WriteMode { wait, try_once };

  struct Hooks {
    std::function<void()> on_ready;   // creator: `__received` arrived
    std::function<void()> on_closed;  // the channel is gone, for any reason
  };

  // `peer` is what the peer announced (engine's thread; it may still learn
  // it after the socket exists, but always before the channel opens).
  SocketCore(EventLoop& loop, std::shared_ptr<DataChannel> channel, Side side,
             std::shared_ptr<const PeerExtensions> peer);
  ~SocketCore();

  // ---- engine's thread ----
  void start(Hooks hooks);
  // Receiver side: tell the peer the channel was taken (rtc-engine handshake).
  void claim();
  // The connection is being replaced: close now, pending writes are void.
  void abort(const std::string& reason);
  void set_internal_event_handler(const std::string& name, Socket::EventHandler handler);

  // ---- any thread ----
  const std::string& label() const { return label_; }
  EventLoop& loop() const { return loop_; }
  int channel_id() const { return channel_->id(); }
  Side side() const { return side_; }
  bool is_open() const;
  // Engine's thread: the data channel itself is open (the socket may still
  // wait for the peer's `__received`).
  bool channel_is_open() const { return channel_->is_open(); }
  bool is_closed() const { return closed_.load(); }
  // Engine's thread: what the peer understands beyond rtc-engine's protocol.
  const PeerExtensions& peer_extensions() const { return *peer_; }
  // Bytes written and not yet sent, as last measured (no hop to the network
  // thread); the engine's close watches it move.
  std::size_t unsent_bytes() const;
  // One line of internal state for logs.
  std::string describe() const;

  // Throws MessageTooLargeError, ClosedError, BufferFullError (see Socket).
  bool write_frame(std::string frame, bool binary, WriteMode mode);
  std::size_t buffered_amount() const;
  void set_max_buffered(std::size_t bytes);
  bool wait_writable(std::chrono::milliseconds timeout, std::size_t size);
  bool wait_closed(std::chrono::milliseconds timeout) const;

  void on_data(Socket::DataHandler handler);
  void on_event(const std::string& name, Socket::EventHandler handler);
  void on_close(Socket::CloseHandler handler);
  void on_error(Socket::ErrorHandler handler);
  void on_drain(Socket::DrainHandler handler);

  // Starts the close: sends what was written, then the close handshake.
  // The handlers keep running until the channel closes (the engine's own
  // close uses this, so its transactions still hear their peer meanwhile).
  void close();
  // Socket::close(): no data, event or drain handler starts after this
  // returns; called on another thread, waits for one running now.
  void stop_handlers() { handlers_.close(); }
  SocketStats stats() const;

 private:
  struct Frame {
    std::string bytes;
    bool binary;
  };

  bool has_room(std::size_t size) const;  // needs mutex_
  void flush();
  void refresh_buffered();
  void receive(const std::uint8_t* data, std::size_t size, bool binary);
  void handle_closed();
  void report(const Error& error);
  void finish_close_if_drained();
  void post(std::function<void(SocketCore&)> task);
  // Runs `task` now when on the engine's thread, else posts it.
  void apply(std::function<void(SocketCore&)> task);
  void announce_open();
  void watch_for_open();
  // Queues a control frame even while closing, behind everything written.
  void enqueue_control(std::string frame);
  void on_peer_close_marker();
  void start_close_handshake_timer();
  // Closes the channel once SCTP sent all it holds for it (reads it again
  // every few milliseconds while it moves).
  void close_when_transport_drained();
  void on_transport_queued(std::size_t queued);

  EventLoop& loop_;
  std::shared_ptr<DataChannel> channel_;
  const Side side_;
  const std::string label_;
  const std::shared_ptr<const PeerExtensions> peer_;
  Hooks hooks_;

  // Writers' side, guarded by mutex_.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<Frame> outbox_;
  std::size_t outbox_bytes_ = 0;
  std::size_t handed_bytes_ = 0;      // sent to the channel, not yet measured
  std::size_t channel_buffered_ = 0;  // libwebrtc's buffered amount, last seen
  std::size_t max_buffered_ = Socket::kDefaultMaxBuffered;
  bool flush_posted_ = false;
  bool closing_ = false;
  bool drain_wanted_ = false;
  std::atomic<bool> closed_{false};

  // Data, event and drain handlers run through it (see stop_handlers()).
  HandlerGate handlers_;

  // Engine thread only.
  Inbox inbox_;
  std::map<std::string, Socket::EventHandler> internal_events_;
  Socket::CloseHandler close_handler_;
  Socket::ErrorHandler error_handler_;
  Socket::DrainHandler drain_handler_;
  std::deque<std::string> kept_errors_;
  bool close_announced_ = false;
  bool open_announced_ = false;
  bool claimed_ = false;
  // Close handshake: each side sends `__close` after its last frame; once a
  // side that sent its marker hears the peer's, both directions are drained
  // and it resets the stream. (libwebrtc's SCTP drops unsent messages on a
  // reset, so closing on an empty local buffer alone can lose data.)
  bool close_decided_ = false;  // close()'s task ran (or the peer's marker came)
  bool sent_close_marker_ = false;
  bool got_close_marker_ = false;
  bool marker_sent_before_peer_ = false;
  // Without the handshake: SCTP's own queue, watched until it is empty.
  std::atomic<std::size_t> transport_queued_{0};
  std::chrono::steady_clock::time_point transport_moved_;
  bool transport_read_pending_ = false;
};

}  // namespace rtcengine::detail
