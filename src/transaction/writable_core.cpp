#include "transaction/writable_core.hpp"

#include <cstdlib>
#include <vector>

#include "socket/socket_core.hpp"
#include "transaction/transfer_events.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

std::optional<std::uint64_t> size_of(const Json& metadata) {
  if (!metadata.is_object() || !metadata.contains("size")) return std::nullopt;
  const auto& size = metadata["size"];
  if (size.is_number_unsigned()) return size.get<std::uint64_t>();
  if (size.is_number_integer() && size.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(size.get<std::int64_t>());
  }
  return std::nullopt;
}

std::string transfer_id(const Json& metadata) {
  Sha256 hasher;
  auto text = metadata.dump();
  hasher.update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return hasher.finish_hex().substr(0, 32);
}

// Test hook: RTCENGINE_TEST_CORRUPT_AT=<offset> flips that byte after it was
// hashed, as a broken path would.
std::optional<std::uint64_t> corruption_hook() {
  const char* value = std::getenv("RTCENGINE_TEST_CORRUPT_AT");
  if (!value || !*value) return std::nullopt;
  return std::strtoull(value, nullptr, 10);
}

// After `abort`, the reader closes the socket (rtc-engine's order: a writer
// closing at once could cut the `abort` off); past this the writer closes.
constexpr auto kReaderCloseGrace = std::chrono::seconds(5);

std::string reason_of(const Json& payload, const char* fallback) {
  if (payload.is_string()) return payload.get<std::string>();
  if (payload.is_null()) return fallback;
  return payload.dump();
}

}  // namespace

WritableCore::WritableCore(SocketPtr socket, Json metadata, TransferOptions options)
    : socket_(std::move(socket)),
      loop_(socket_->core().loop()),
      metadata_(std::move(metadata)),
      options_(options),
      size_(size_of(metadata_)),
      corrupt_at_(corruption_hook()) {
  meter_.set_total(size_);
}

void WritableCore::start() {
  announces_digest_ = socket_->core().peer_extensions().transfer;
  std::weak_ptr<WritableCore> weak = weak_from_this();
  auto with_self = [weak](auto action) {
    return [weak, action](const Json& payload) {
      if (auto self = weak.lock()) action(*self, payload);
    };
  };
  socket_->on_event(kTransactionReadyEvent, with_self([](WritableCore& self, const Json& payload) {
                      self.on_ready(payload);
                    }));
  auto set_flag = [with_self](bool WritableCore::*flag, bool value) {
    return with_self([flag, value](WritableCore& self, const Json&) {
      std::unique_lock lock(self.mutex_);
      self.*flag = value;
      self.update_running(lock);
    });
  };
  socket_->on_event(kPauseEvent, set_flag(&WritableCore::paused_there_, true));
  socket_->on_event(kResumeEvent, set_flag(&WritableCore::paused_there_, false));
  socket_->on_event(kBufferFullEvent, set_flag(&WritableCore::reader_full_, true));
  socket_->on_event(kPullEvent, set_flag(&WritableCore::reader_full_, false));
  // The reader stopped (cancel) or refused the data: the writer fails with
  // its reason and closes the socket, as rtc-engine's does.
  auto fail_and_close = [with_self](bool WritableCore::*kind, const char* what,
                                    const char* fallback) {
    return with_self([kind, what, fallback](WritableCore& self, const Json& payload) {
      {
        std::unique_lock lock(self.mutex_);
        self.*kind = true;
        self.fail(std::string(what) + reason_of(payload, fallback), lock);
      }
      self.socket_->close();
    });
  };
  socket_->on_event(kCancelEvent,
                    fail_and_close(&WritableCore::error_is_stop_,
                                   "the receiver cancelled the transfer: ", "no reason given"));
  socket_->on_event(kIntegrityFailedEvent,
                    fail_and_close(&WritableCore::error_is_integrity_,
                                   "the receiver found the data corrupt: ", "digest mismatch"));
  socket_->on_event(kAckEvent, with_self([](WritableCore& self, const Json& payload) {
                      if (!payload.is_object() || !payload.contains("bytes") ||
                          !payload["bytes"].is_number_unsigned()) {
                        return;
                      }
                      std::unique_lock lock(self.mutex_);
                      // The reader cannot have written more than was sent to it.
                      auto bytes = std::min(payload["bytes"].get<std::uint64_t>(),
                                            self.offset_ + self.sent_);
                      self.acked_ = std::max(self.acked_, bytes);
                      self.meter_.record(self.confirmed_bytes());
                    }));
  socket_->on_event(kVerifiedEvent, with_self([](WritableCore& self, const Json&) {
                      std::unique_lock lock(self.mutex_);
                      if (self.state_ == TransferState::failed) return;
                      self.acked_ = self.given_;
                      self.meter_.record(self.confirmed_bytes());
                      self.set_state(TransferState::done, lock);
                      lock.unlock();
                      self.report_progress();
                    }));
  // Held by its socket until the socket closes (which drops its handlers):
  // a transfer runs to its end even if nobody keeps its handle.
  socket_->on_close([self = shared_from_this()] { self->on_socket_closed(); });
  if (announces_digest_) {
    tell(kTransferEvent, {{"digest", "sha256"}, {"resume", true}, {"id", transfer_id(metadata_)}});
  }
  if (!tell(kMetadataEvent, metadata_)) {
    std::unique_lock lock(mutex_);
    fail("the transfer's socket closed before the metadata could be sent", lock);
  }
}

void WritableCore::on_ready(const Json& payload) {
  std::unique_lock lock(mutex_);
  if (ready_) return;
  ready_ = true;
  if (announces_digest_ && payload.is_object()) {
    // Only a reader that knows the extension asks for an offset.
    if (payload.contains("offset") && payload["offset"].is_number_unsigned()) {
      offset_ = payload["offset"].get<std::uint64_t>();
      if (size_ && offset_ > *size_) offset_ = 0;
    }
    peer_acks_ = bool_field(payload, "ack");
  }
  acked_ = offset_;
  meter_.set_resumed_from(offset_);
  meter_.record(offset_);
  RTCENGINE_LOG(info, "transaction " << socket_->label() << ": reader ready at offset " << offset_);
  update_running(lock);
  lock.unlock();
  schedule_progress();
}

void WritableCore::on_socket_closed() {
  std::unique_lock lock(mutex_);
  if (state_ == TransferState::done || state_ == TransferState::failed) return;
  // An rtc-engine reader closes the socket once it counted every byte
  // (possibly before end() ran here).
  bool all_sent = size_ ? sent_ + offset_ >= *size_ : ended_;
  if (!peer_acks_ && all_sent) {
    acked_ = given_;
    meter_.record(confirmed_bytes());
    set_state(TransferState::done, lock);
    return;
  }
  fail("the transfer's socket closed after " + std::to_string(confirmed_bytes()) +
           (size_ ? " of " + std::to_string(*size_) : std::string()) +
           " bytes were confirmed (the connection or the receiver went away)",
       lock);
}

bool WritableCore::may_send() const {
  return ready_ && !paused_here_ && !paused_there_ && !reader_full_;
}

void WritableCore::update_running(std::unique_lock<std::mutex>& lock) {
  if (state_ == TransferState::done || state_ == TransferState::failed) return;
  if (!ready_) return;
  set_state(may_send() ? TransferState::running : TransferState::paused, lock);
}

bool WritableCore::tell(const char* event, const Json& payload) {
  try {
    socket_->write_event(event, payload);
    return true;
  } catch (const Error& error) {
    RTCENGINE_LOG(verbose, "transaction " << socket_->label() << ": " << event
                                          << " not sent: " << error.what());
    return false;
  }
}

void WritableCore::set_state(TransferState state, std::unique_lock<std::mutex>&) {
  if (state_ == state) return;
  state_ = state;
  meter_.set_running(state == TransferState::running);
  changed_.notify_all();
  std::weak_ptr<WritableCore> weak = weak_from_this();
  loop_.post([weak, state] {
    auto self = weak.lock();
    if (!self) return;
    TransferStateHandler handler;
    {
      std::lock_guard lock(self->mutex_);
      handler = self->state_handler_;
    }
    if (handler) handler(state);
    if (state == TransferState::done || state == TransferState::failed) {
      // Nothing follows the end: drop the handlers and any cycles through them.
      std::lock_guard lock(self->mutex_);
      self->state_handler_ = nullptr;
      self->progress_handler_ = nullptr;
    }
  });
}

void WritableCore::fail(const std::string& reason, std::unique_lock<std::mutex>& lock) {
  if (state_ == TransferState::done || state_ == TransferState::failed) return;
  error_ = reason;
  RTCENGINE_LOG(info, "transaction " << socket_->label() << " failed: " << reason);
  set_state(TransferState::failed, lock);
}

void WritableCore::throw_if_failed() const {
  if (state_ != TransferState::failed) return;
  if (error_is_integrity_) throw IntegrityError(error_);
  if (error_is_stop_) throw TransferStoppedError(error_);
  throw TransferError(error_);
}

std::uint64_t WritableCore::confirmed_bytes() const {
  if (peer_acks_) return acked_;
  // Without confirmations, what left this side is the best we know.
  auto buffered = socket_->buffered_amount();
  auto out = offset_ + sent_;
  return out > buffered ? out - buffered : 0;
}

void WritableCore::write(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    std::size_t piece = std::min(bytes.size(), options_.chunk_size);
    std::uint64_t start;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return may_send() || state_ == TransferState::failed || state_ == TransferState::done;
      });
      throw_if_failed();
      if (ended_ || state_ == TransferState::done) {
        throw UsageError("write() after end(): the transaction is complete");
      }
      if (size_ && given_ + piece > *size_) {
        throw UsageError("write() past the size in the metadata (" + std::to_string(*size_) +
                         " bytes)");
      }
      start = given_;
      given_ += piece;
    }
    hasher_.update(bytes.data(), piece);
    // Bytes the reader already has are only hashed.
    std::size_t skip =
        start >= offset_
            ? 0
            : static_cast<std::size_t>(std::min<std::uint64_t>(piece, offset_ - start));
    auto to_send = bytes.subspan(skip, piece - skip);
    if (!to_send.empty()) {
      std::vector<std::uint8_t> corrupted;
      std::uint64_t first = start + skip;
      if (corrupt_at_ && *corrupt_at_ >= first && *corrupt_at_ < first + to_send.size()) {
        corrupted.assign(to_send.begin(), to_send.end());
        corrupted[*corrupt_at_ - first] ^= 0xff;
        to_send = corrupted;
      }
      try {
        socket_->write_binary(to_send);
      } catch (const ClosedError&) {
        std::unique_lock lock(mutex_);
        fail("the transfer's socket closed while sending", lock);
        throw_if_failed();
      }
      std::unique_lock lock(mutex_);
      sent_ += to_send.size();
      if (!peer_acks_) meter_.record(confirmed_bytes());
    }
    bytes = bytes.subspan(piece);
  }
}

void WritableCore::end() {
  std::uint64_t given;
  {
    std::unique_lock lock(mutex_);
    // An empty transfer still waits for the reader before it can finish.
    changed_.wait(lock, [&] { return ready_ || state_ == TransferState::failed; });
    throw_if_failed();
    if (ended_) return;
    given = given_;
    if (size_ && given < *size_) {
      lock.unlock();
      auto reason = "the sender ended after " + std::to_string(given) + " of " +
                    std::to_string(*size_) + " bytes";
      stop(reason);
      throw TransferError(reason);
    }
    ended_ = true;
  }
  bool reader_knows_digest;
  {
    std::lock_guard lock(mutex_);
    reader_knows_digest = peer_acks_;
  }
  if (announces_digest_) {
    socket_->write_event(kDigestEvent, {{"sha256", hasher_.finish_hex()}, {"bytes", given}});
  }
  // Without a size, an rtc-engine reader learns the end from the socket
  // closing; an RTCEngine reader from the digest, and it answers first.
  if (!size_ && !reader_knows_digest) socket_->close();
}

std::optional<std::uint64_t> WritableCore::wait_ready(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return ready_ || state_ == TransferState::failed; });
  throw_if_failed();
  if (!ready_) return std::nullopt;
  return offset_;
}

bool WritableCore::wait(std::chrono::milliseconds timeout) {
  if (loop_.is_current()) throw UsageError("Writable::wait() inside a handler would deadlock");
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] {
    return state_ == TransferState::done || state_ == TransferState::failed;
  });
  throw_if_failed();
  return state_ == TransferState::done;
}

void WritableCore::pause() {
  {
    std::unique_lock lock(mutex_);
    if (paused_here_ || state_ == TransferState::done || state_ == TransferState::failed) return;
    paused_here_ = true;
    update_running(lock);
  }
  tell(kPauseEvent);
}

void WritableCore::resume() {
  {
    std::unique_lock lock(mutex_);
    if (!paused_here_ || state_ == TransferState::done || state_ == TransferState::failed) return;
    paused_here_ = false;
    update_running(lock);
  }
  tell(kResumeEvent);
}

void WritableCore::stop(const std::string& reason) {
  {
    std::unique_lock lock(mutex_);
    if (state_ == TransferState::done || state_ == TransferState::failed) return;
    error_is_stop_ = true;
    fail("stopped here: " + reason, lock);
  }
  if (!tell(kAbortEvent, reason)) return;  // the socket is gone: the reader learned from its close
  loop_.post_after(std::chrono::duration_cast<std::chrono::milliseconds>(kReaderCloseGrace),
                   [socket = socket_] { socket->close(); });
}

std::exception_ptr WritableCore::error() const {
  std::lock_guard lock(mutex_);
  try {
    throw_if_failed();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

TransferState WritableCore::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

TransferProgress WritableCore::progress() const {
  std::lock_guard lock(mutex_);
  auto progress = meter_.snapshot();
  progress.bytes = confirmed_bytes();
  return progress;
}

std::uint64_t WritableCore::bytes_sent() const {
  std::lock_guard lock(mutex_);
  return offset_ + sent_;
}

void WritableCore::on_progress(ProgressHandler handler) {
  std::lock_guard lock(mutex_);
  progress_handler_ = std::move(handler);
}

void WritableCore::on_state_change(TransferStateHandler handler) {
  std::lock_guard lock(mutex_);
  state_handler_ = std::move(handler);
}

void WritableCore::report_progress() {
  ProgressHandler handler;
  TransferProgress progress;
  {
    std::lock_guard lock(mutex_);
    handler = progress_handler_;
    if (!peer_acks_) meter_.record(confirmed_bytes());
    progress = meter_.snapshot();
    progress.bytes = confirmed_bytes();
  }
  if (handler) handler(progress);
}

void WritableCore::schedule_progress() {
  std::weak_ptr<WritableCore> weak = weak_from_this();
  loop_.post_after(options_.progress_interval, [weak] {
    auto self = weak.lock();
    if (!self) return;
    auto state = self->state();
    if (state == TransferState::done || state == TransferState::failed) return;
    self->report_progress();
    self->schedule_progress();
  });
}

}  // namespace rtcengine::detail
