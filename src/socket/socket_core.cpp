#include "socket/socket_core.hpp"

#include <variant>

#include "socket/frame_codec.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

constexpr std::size_t kMaxKeptErrors = 64;
// A peer that never answers the close marker is closed on anyway.
constexpr auto kCloseHandshakeLimit = std::chrono::seconds(5);
// While closing without the handshake, how often SCTP's queue is read, and
// how long it may stand still (a peer that stopped reading, a dead path)
// before the socket closes anyway and reports what was lost.
constexpr auto kTransportDrainPoll = std::chrono::milliseconds(10);
constexpr auto kTransportStallLimit = std::chrono::seconds(15);

}  // namespace

SocketCore::SocketCore(EventLoop& loop, std::shared_ptr<DataChannel> channel, Side side,
                       std::shared_ptr<const PeerExtensions> peer)
    : loop_(loop),
      channel_(std::move(channel)),
      side_(side),
      label_(channel_->label()),
      peer_(peer ? std::move(peer) : std::make_shared<const PeerExtensions>()) {}

SocketCore::~SocketCore() = default;

void SocketCore::post(std::function<void(SocketCore&)> task) {
  std::weak_ptr<SocketCore> weak = weak_from_this();
  loop_.post([weak, task = std::move(task)] {
    if (auto self = weak.lock()) task(*self);
  });
}

void SocketCore::apply(std::function<void(SocketCore&)> task) {
  // On the engine's thread at once: a handler set from inside another
  // handler sees every later frame, and the kept ones come first.
  if (loop_.is_current()) {
    task(*this);
  } else {
    post(std::move(task));
  }
}

void SocketCore::start(Hooks hooks) {
  hooks_ = std::move(hooks);
  std::weak_ptr<SocketCore> weak = weak_from_this();
  DataChannel::Callbacks callbacks;
  callbacks.on_open = [weak] {
    if (auto self = weak.lock()) self->announce_open();
  };
  callbacks.on_closed = [weak] {
    auto self = weak.lock();
    if (!self) return;
    RTCENGINE_LOG(verbose, "socket " << self->label_ << " (id " << self->channel_->id()
                                     << "): channel closed");
    self->handle_closed();
  };
  callbacks.on_message = [weak](const std::uint8_t* data, std::size_t size, bool binary) {
    if (auto self = weak.lock()) self->receive(data, size, binary);
  };
  callbacks.on_sent = [weak](std::uint64_t) {
    if (auto self = weak.lock()) self->refresh_buffered();
  };
  internal_events_[kReceivedEvent] = [weak](const Json&) {
    auto self = weak.lock();
    if (!self || self->side_ != Side::creator || self->claimed_) return;
    self->claimed_ = true;
    if (self->hooks_.on_ready) self->hooks_.on_ready();
  };
  internal_events_[kCloseEvent] = [weak](const Json&) {
    if (auto self = weak.lock()) self->on_peer_close_marker();
  };
  channel_->set_callbacks(std::move(callbacks));
  if (channel_->is_closed()) {
    handle_closed();
  } else {
    watch_for_open();
  }
}

void SocketCore::announce_open() {
  if (open_announced_) return;
  open_announced_ = true;
  RTCENGINE_LOG(verbose, "socket " << label_ << " (id " << channel_->id() << "): channel open");
  flush();
}

void SocketCore::watch_for_open() {
  // The channel may have opened before the observer was registered.
  if (!open_announced_ && !closed_ && channel_->is_open()) announce_open();
}

void SocketCore::claim() {
  if (side_ != Side::receiver || claimed_) return;
  claimed_ = true;
  enqueue_control(encode_event(kReceivedEvent, nullptr));
}

void SocketCore::enqueue_control(std::string frame) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    outbox_bytes_ += frame.size();
    outbox_.push_back({std::move(frame), false});
  }
  flush();
}

void SocketCore::set_internal_event_handler(const std::string& name, Socket::EventHandler handler) {
  internal_events_[name] = std::move(handler);
}

bool SocketCore::is_open() const {
  std::lock_guard lock(mutex_);
  return !closing_ && !closed_.load();
}

bool SocketCore::has_room(std::size_t size) const {
  std::size_t pending = outbox_bytes_ + handed_bytes_ + channel_buffered_;
  // An empty buffer always takes one message, whatever the bound.
  return pending == 0 || pending + size <= max_buffered_;
}

bool SocketCore::write_frame(std::string frame, bool binary, WriteMode mode) {
  if (frame.size() > Socket::kMaxMessageSize) {
    throw MessageTooLargeError("socket \"" + label_ + "\": a message of " +
                               std::to_string(frame.size()) + " bytes is over the limit of " +
                               std::to_string(Socket::kMaxMessageSize) +
                               " bytes; split it into smaller writes");
  }
  bool on_loop = loop_.is_current();
  std::unique_lock lock(mutex_);
  auto closed_error = [&] {
    return ClosedError("socket \"" + label_ + "\" is closed; open a new socket to send more");
  };
  if (closing_ || closed_) throw closed_error();
  while (!has_room(frame.size())) {
    if (mode == WriteMode::try_once) {
      drain_wanted_ = true;
      return false;
    }
    if (on_loop) {
      drain_wanted_ = true;
      throw BufferFullError("socket \"" + label_ + "\": the send buffer (" +
                            std::to_string(max_buffered_) +
                            " bytes) is full; inside a handler use try_write() and on_drain()");
    }
    changed_.wait(lock);
    if (closing_ || closed_) throw closed_error();
  }
  outbox_bytes_ += frame.size();
  outbox_.push_back({std::move(frame), binary});
  bool must_post = !flush_posted_;
  flush_posted_ = true;
  lock.unlock();
  if (on_loop) {
    flush();
  } else if (must_post) {
    post([](SocketCore& self) { self.flush(); });
  }
  return true;
}

void SocketCore::flush() {
  std::deque<Frame> frames;
  {
    std::lock_guard lock(mutex_);
    flush_posted_ = false;
    if (!channel_->is_open()) return;  // announce_open() flushes
    frames.swap(outbox_);
    handed_bytes_ += outbox_bytes_;
    outbox_bytes_ = 0;
  }
  for (auto& frame : frames) {
    if (!channel_->send(reinterpret_cast<const std::uint8_t*>(frame.bytes.data()),
                        frame.bytes.size(), frame.binary)) {
      report(Error("socket \"" + label_ + "\": the peer connection refused a message of " +
                   std::to_string(frame.bytes.size()) + " bytes"));
    }
  }
  refresh_buffered();
}

void SocketCore::refresh_buffered() {
  bool call_drain = false;
  {
    std::lock_guard lock(mutex_);
    channel_buffered_ = channel_->buffered_amount();
    handed_bytes_ = 0;
    std::size_t pending = outbox_bytes_ + channel_buffered_;
    if (drain_wanted_ && pending <= max_buffered_ / 2) {
      drain_wanted_ = false;
      call_drain = true;
    }
  }
  changed_.notify_all();
  if (call_drain && drain_handler_) {
    auto handler = drain_handler_;  // it may replace itself
    handlers_.run([&] { handler(); });
  }
  finish_close_if_drained();
}

std::size_t SocketCore::buffered_amount() const {
  std::lock_guard lock(mutex_);
  return outbox_bytes_ + handed_bytes_ + channel_buffered_;
}

void SocketCore::set_max_buffered(std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    // libwebrtc closes a channel whose own queue passes 16 MiB.
    max_buffered_ = std::min<std::size_t>(std::max<std::size_t>(bytes, 1), 15 * 1024 * 1024);
  }
  changed_.notify_all();
}

bool SocketCore::wait_writable(std::chrono::milliseconds timeout, std::size_t size) {
  if (loop_.is_current()) {
    throw UsageError("wait_writable() inside a handler would deadlock; use on_drain()");
  }
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return closing_ || closed_ || has_room(size); }) &&
         !closing_ && !closed_;
}

bool SocketCore::wait_closed(std::chrono::milliseconds timeout) const {
  if (loop_.is_current()) {
    throw UsageError("wait_closed() inside a handler would deadlock; use on_close()");
  }
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return closed_.load(); });
}

void SocketCore::receive(const std::uint8_t* data, std::size_t size, bool binary) {
  // After Socket::close() only the close handshake's own events count.
  bool stopped = handlers_.is_closed();
  if (binary) {
    if (stopped) return;
    if (!inbox_.push(Inbox::data_key(), Message::from_bytes(Bytes(data, data + size)))) {
      report(Error("socket \"" + label_ + "\": a binary message was dropped because " +
                   "no data handler was set and the kept frames reached their limit"));
    }
    return;
  }
  auto decoded = decode_text(std::string_view(reinterpret_cast<const char*>(data), size));
  if (auto* bad = std::get_if<BadFrame>(&decoded)) {
    if (stopped) return;
    report(ProtocolError("socket \"" + label_ + "\": " + bad->reason));
    return;
  }
  bool kept;
  if (auto* event = std::get_if<EventFrame>(&decoded)) {
    if (auto internal = internal_events_.find(event->name); internal != internal_events_.end()) {
      RTCENGINE_LOG(verbose,
                    "socket " << label_ << " (id " << channel_->id() << "): " << event->name);
      auto handler = internal->second;
      handler(event->payload);
      return;
    }
    if (stopped) return;
    kept =
        inbox_.push(Inbox::event_key(event->name), Message::from_json(std::move(event->payload)));
  } else {
    if (stopped) return;
    kept = inbox_.push(Inbox::data_key(),
                       Message::from_json(std::move(std::get<DataFrame>(decoded).value)));
  }
  if (!kept) {
    report(Error("socket \"" + label_ + "\": a message was dropped because no handler was " +
                 "set for it and the kept frames reached their limit"));
  }
}

void SocketCore::report(const Error& error) {
  if (error_handler_) {
    error_handler_(error);
  } else if (kept_errors_.size() < kMaxKeptErrors) {
    kept_errors_.push_back(error.what());
  }
}

void SocketCore::on_data(Socket::DataHandler handler) {
  Inbox::Deliver deliver;
  if (handler) {
    // The inbox belongs to this core: `this` outlives every delivery.
    deliver = [this, handler = std::move(handler)](const Message& message) {
      handlers_.run([&] { handler(message); });
    };
  }
  apply([deliver = std::move(deliver)](SocketCore& self) {
    self.inbox_.set_handler(Inbox::data_key(), deliver);
  });
}

void SocketCore::on_event(const std::string& name, Socket::EventHandler handler) {
  Inbox::Deliver deliver;
  if (handler) {
    deliver = [this, handler = std::move(handler)](const Message& message) {
      handlers_.run([&] { handler(message.json()); });
    };
  }
  apply([name, deliver = std::move(deliver)](SocketCore& self) {
    self.inbox_.set_handler(Inbox::event_key(name), deliver);
  });
}

void SocketCore::on_close(Socket::CloseHandler handler) {
  apply([handler = std::move(handler)](SocketCore& self) {
    if (!self.close_announced_) {
      self.close_handler_ = handler;
    } else if (handler) {
      handler();
    }
  });
}

void SocketCore::on_error(Socket::ErrorHandler handler) {
  apply([handler = std::move(handler)](SocketCore& self) {
    self.error_handler_ = handler;
    if (!handler) return;
    auto kept = std::move(self.kept_errors_);
    self.kept_errors_.clear();
    for (auto& message : kept) handler(Error(message));
  });
}

void SocketCore::on_drain(Socket::DrainHandler handler) {
  apply([handler = std::move(handler)](SocketCore& self) { self.drain_handler_ = handler; });
}

void SocketCore::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || closed_) return;
    closing_ = true;
  }
  changed_.notify_all();
  // Queued behind every flush already posted, so what was written goes first.
  post([](SocketCore& self) {
    self.close_decided_ = true;
    if (self.peer_->close_handshake && !self.sent_close_marker_) {
      self.sent_close_marker_ = true;
      self.marker_sent_before_peer_ = !self.got_close_marker_;
      self.enqueue_control(encode_event(kCloseEvent, nullptr));
      self.start_close_handshake_timer();
    }
    self.flush();
    self.finish_close_if_drained();
  });
}

void SocketCore::on_peer_close_marker() {
  got_close_marker_ = true;
  close_decided_ = true;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;  // the peer sends nothing more; neither do we
  }
  changed_.notify_all();
  if (!sent_close_marker_) {
    // Everything already written goes out before our marker.
    sent_close_marker_ = true;
    enqueue_control(encode_event(kCloseEvent, nullptr));
    start_close_handshake_timer();
  }
  finish_close_if_drained();
}

void SocketCore::start_close_handshake_timer() {
  std::weak_ptr<SocketCore> weak = weak_from_this();
  loop_.post_after(std::chrono::duration_cast<std::chrono::milliseconds>(kCloseHandshakeLimit),
                   [weak] {
                     auto self = weak.lock();
                     if (self && !self->channel_->is_closed()) self->channel_->close();
                   });
}

void SocketCore::finish_close_if_drained() {
  // A flush may run between close() and its task: wait for the task, which
  // decides whether a close marker goes out first.
  if (!close_decided_) return;
  bool ready_to_close;
  {
    std::lock_guard lock(mutex_);
    ready_to_close = closing_ && !closed_ && outbox_.empty() && channel_buffered_ == 0;
  }
  if (sent_close_marker_) {
    // Hearing the peer's marker after sending ours means both directions
    // are delivered; the side that answered waits for this side's reset.
    ready_to_close = ready_to_close && got_close_marker_ && marker_sent_before_peer_;
  }
  if (!ready_to_close || channel_->is_closed()) return;
  // Without the handshake nothing tells us the peer has it all; at least
  // SCTP must have sent it, since a reset drops SCTP's queue.
  if (!sent_close_marker_) {
    close_when_transport_drained();
    return;
  }
  channel_->close();
}

void SocketCore::close_when_transport_drained() {
  if (transport_read_pending_) return;
  transport_read_pending_ = true;
  std::weak_ptr<SocketCore> weak = weak_from_this();
  channel_->read_transport_queued([weak](std::uint64_t queued) {
    if (auto self = weak.lock()) {
      self->transport_read_pending_ = false;
      self->on_transport_queued(static_cast<std::size_t>(queued));
    }
  });
}

void SocketCore::on_transport_queued(std::size_t queued) {
  if (closed_ || channel_->is_closed()) return;
  auto now = std::chrono::steady_clock::now();
  if (queued == 0) {
    transport_queued_ = 0;
    channel_->close();
    return;
  }
  if (queued != transport_queued_.exchange(queued)) {
    transport_moved_ = now;
  } else if (now - transport_moved_ > kTransportStallLimit) {
    report(
        Error("socket \"" + label_ + "\": closed with " + std::to_string(queued) +
              " bytes unsent; the peer took nothing for " +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::seconds>(kTransportStallLimit).count()) +
              " s"));
    channel_->close();
    return;
  }
  std::weak_ptr<SocketCore> weak = weak_from_this();
  loop_.post_after(kTransportDrainPoll, [weak] {
    if (auto self = weak.lock()) self->close_when_transport_drained();
  });
}

std::size_t SocketCore::unsent_bytes() const {
  std::lock_guard lock(mutex_);
  return outbox_bytes_ + handed_bytes_ + channel_buffered_ + transport_queued_.load();
}

void SocketCore::abort(const std::string& reason) {
  (void)reason;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    outbox_.clear();
    outbox_bytes_ = 0;
  }
  if (!channel_->is_closed()) channel_->close();
  handle_closed();
}

void SocketCore::handle_closed() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    closing_ = true;
  }
  changed_.notify_all();
  if (close_announced_) return;
  close_announced_ = true;
  channel_->clear_callbacks();
  if (close_handler_) close_handler_();
  if (hooks_.on_closed) hooks_.on_closed();
  // Nothing arrives any more; dropping the handlers breaks the cycles of
  // handlers that capture their own socket.
  inbox_.clear_handlers();
  close_handler_ = nullptr;
  drain_handler_ = nullptr;
  hooks_ = {};
}

SocketStats SocketCore::stats() const {
  SocketStats result;
  loop_.run_and_wait([&] { result = channel_->stats(); });
  return result;
}

}  // namespace rtcengine::detail

namespace rtcengine::detail {

std::string SocketCore::describe() const {
  std::lock_guard lock(mutex_);
  return label_ + " (id " + std::to_string(channel_->id()) + ", " +
         (side_ == Side::creator ? "creator" : "receiver") +
         ", open=" + std::to_string(channel_->is_open()) + " closing=" + std::to_string(closing_) +
         " outbox=" + std::to_string(outbox_.size()) +
         " buffered=" + std::to_string(channel_buffered_) +
         " peer_handshake=" + std::to_string(peer_->close_handshake) +
         " transport_queued=" + std::to_string(transport_queued_.load()) +
         " sent_marker=" + std::to_string(sent_close_marker_) +
         " got_marker=" + std::to_string(got_close_marker_) + ")";
}

}  // namespace rtcengine::detail
