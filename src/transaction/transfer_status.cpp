#include "transaction/transfer_status.hpp"

#include "rtcengine/errors.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

TransferStatus::TransferStatus(EventLoop& loop, std::optional<std::uint64_t> total,
                               std::chrono::milliseconds progress_interval, LiveBytes live_bytes)
    : loop_(loop), progress_interval_(progress_interval), live_bytes_(std::move(live_bytes)) {
  meter_.set_total(total);
}

bool TransferStatus::flowing() const {
  return started_ && !paused_here_ && !paused_there_ && !reader_full_;
}

bool TransferStatus::hold(Hold hold, bool on) {
  bool& flag = hold == Hold::here    ? paused_here_
               : hold == Hold::there ? paused_there_
                                     : reader_full_;
  if (flag == on || ended()) return false;
  flag = on;
  update_running();
  return true;
}

void TransferStatus::update_running() {
  if (ended() || !started_) return;
  set_state(flowing() ? TransferState::running : TransferState::paused);
}

void TransferStatus::set_state(TransferState state) {
  if (state_ == state) return;
  state_ = state;
  meter_.set_running(state == TransferState::running);
  changed_.notify_all();
  loop_.post([weak = self_, state] {
    auto self = weak.lock();
    if (!self) return;
    if (state != TransferState::done && state != TransferState::failed) {
      self->handlers_.run([&] {
        TransferStateHandler handler;
        {
          std::lock_guard lock(self->mutex_);
          // Posted before the end, run after it: the end is what counts.
          if (self->ended()) return;
          handler = self->state_handler_;
        }
        if (handler) handler(state);
      });
      return;
    }
    // The end, once (ended() is final), past stop_handlers(): the last calls.
    TransferStateHandler handler;
    ProgressHandler progress_handler;
    TransferProgress progress;
    {
      std::lock_guard lock(self->mutex_);
      handler = self->state_handler_;
      if (state == TransferState::done) {
        progress_handler = self->progress_handler_;
        progress = self->measure();
      }
    }
    if (progress_handler) progress_handler(progress);
    if (handler) handler(state);
    // Nothing follows the end: drop the handlers and any cycles through them.
    std::lock_guard lock(self->mutex_);
    self->state_handler_ = nullptr;
    self->progress_handler_ = nullptr;
  });
}

bool TransferStatus::fail(const std::string& reason, Failure kind) {
  if (ended()) return false;
  error_ = reason;
  failure_ = kind;
  set_state(TransferState::failed);
  return true;
}

void TransferStatus::throw_if_failed() const {
  if (state_ != TransferState::failed) return;
  switch (failure_) {
    case Failure::integrity: throw IntegrityError(error_);
    case Failure::stop: throw TransferStoppedError(error_);
    case Failure::error: break;
  }
  throw TransferError(error_);
}

TransferProgress TransferStatus::snapshot() const {
  auto progress = meter_.snapshot();
  if (live_bytes_) {
    if (auto bytes = live_bytes_()) progress.bytes = *bytes;
  }
  return progress;
}

bool TransferStatus::pause_here(bool paused) {
  std::lock_guard lock(mutex_);
  return hold(Hold::here, paused);
}

TransferState TransferStatus::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::exception_ptr TransferStatus::error() const {
  std::lock_guard lock(mutex_);
  try {
    throw_if_failed();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

TransferProgress TransferStatus::progress() const {
  std::lock_guard lock(mutex_);
  return snapshot();
}

bool TransferStatus::wait(std::chrono::milliseconds timeout, const char* what) {
  if (loop_.is_current()) {
    throw UsageError(std::string(what) + " inside a handler would deadlock");
  }
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return ended(); });
  throw_if_failed();
  return state_ == TransferState::done;
}

void TransferStatus::on_progress(ProgressHandler handler) {
  std::lock_guard lock(mutex_);
  progress_handler_ = std::move(handler);
}

void TransferStatus::on_state_change(TransferStateHandler handler) {
  std::lock_guard lock(mutex_);
  state_handler_ = std::move(handler);
}

TransferProgress TransferStatus::measure() {
  if (live_bytes_) {
    if (auto bytes = live_bytes_()) meter_.record(*bytes);
  }
  return snapshot();
}

void TransferStatus::report_progress() {
  handlers_.run([&] {
    ProgressHandler handler;
    TransferProgress progress;
    {
      std::lock_guard lock(mutex_);
      if (ended()) return;
      handler = progress_handler_;
      progress = measure();
    }
    if (handler) handler(progress);
  });
}

void TransferStatus::schedule_progress() {
  loop_.post_after(progress_interval_, [weak = self_] {
    auto self = weak.lock();
    if (!self) return;
    auto state = self->state();
    if (state == TransferState::done || state == TransferState::failed) return;
    self->report_progress();
    self->schedule_progress();
  });
}

}  // namespace rtcengine::detail
