// What the writer's and the reader's cores share: the state machine of one
// transfer (waiting, running, paused, done, failed), why it failed, what
// holds it (a pause on either side, the reader's full queue), the progress
// meter, the user's state and progress handlers, and the timer that reports
// progress. One mutex guards the status and the owning core's fields; the
// handlers run on the engine's thread, without it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "rtcengine/transfer_progress.hpp"
#include "transaction/progress_meter.hpp"
#include "util/handler_gate.hpp"

namespace rtcengine::detail {

class EventLoop;

class TransferStatus {
 public:
  // What holds a started transfer in `paused`.
  enum class Hold { here, there, reader_full };
  // The error a failure becomes: TransferError, TransferStoppedError, IntegrityError.
  enum class Failure { error, stop, integrity };
  // With mutex(): bytes that change without an event (the writer's, counted
  // from the socket's buffer when the reader does not confirm); nullopt:
  // the meter's count.
  using LiveBytes = std::function<std::optional<std::uint64_t>()>;

  TransferStatus(EventLoop& loop, std::optional<std::uint64_t> total,
                 std::chrono::milliseconds progress_interval, LiveBytes live_bytes = nullptr);

  // Engine's thread, before a state changes: `self` points into the owning
  // core (an aliasing pointer), so work posted to the loop keeps the core
  // alive while it runs and does nothing once the core is gone.
  void bind(std::weak_ptr<TransferStatus> self) { self_ = std::move(self); }

  std::mutex& mutex() const { return mutex_; }
  // Notified on every change of state; the owner notifies it for its own fields.
  std::condition_variable& changed() { return changed_; }

  // These need mutex().
  TransferState current() const { return state_; }
  bool ended() const { return state_ == TransferState::done || state_ == TransferState::failed; }
  // The reader is ready (writer) or a sink was chosen (reader).
  bool started() const { return started_; }
  void set_started(bool started) { started_ = started; }
  // Started and held by nothing: data may flow.
  bool flowing() const;
  bool paused_here() const { return paused_here_; }
  // Sets or clears a hold and updates the state; false when it was so
  // already or the transfer ended.
  bool hold(Hold hold, bool on);
  // Running or paused as the holds say, once started and until the end.
  void update_running();
  // Posts the state handler. A state that is no longer current once its
  // turn comes after the end is skipped; the end itself is delivered once,
  // done preceded by a last progress report, and then the handlers go.
  void set_state(TransferState state);
  // Records the failure; false when the transfer had ended already.
  bool fail(const std::string& reason, Failure kind = Failure::error);
  const std::string& failure_reason() const { return error_; }
  void throw_if_failed() const;
  ProgressMeter& meter() { return meter_; }
  TransferProgress snapshot() const;
  // snapshot() after recording the live bytes.
  TransferProgress measure();

  // These take mutex().
  // This side's pause (or resume); false when it was so already or the
  // transfer ended, so there is nothing to tell the peer.
  bool pause_here(bool paused);
  TransferState state() const;
  std::exception_ptr error() const;
  TransferProgress progress() const;
  // Caller's thread: waits for done or failed; true when done, false on
  // timeout. Throws the failure, or UsageError on the engine's thread
  // (`what` names the call, "Writable::wait()").
  bool wait(std::chrono::milliseconds timeout, const char* what);
  void on_progress(ProgressHandler handler);
  void on_state_change(TransferStateHandler handler);

  // Engine's thread: reports progress now, or every progress interval
  // until the end; nothing once ended (the end reports its own).
  void report_progress();
  void schedule_progress();
  // stop() after it made the transfer final, without mutex(): no progress
  // or state handler starts after this returns (but the final state's),
  // and one running on another thread has returned.
  void stop_handlers() { handlers_.close(); }

 private:
  EventLoop& loop_;
  const std::chrono::milliseconds progress_interval_;
  const LiveBytes live_bytes_;
  std::weak_ptr<TransferStatus> self_;
  // Progress and intermediate states run through it; taken before mutex_.
  HandlerGate handlers_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  TransferState state_ = TransferState::waiting;
  bool started_ = false;
  bool paused_here_ = false;
  bool paused_there_ = false;
  bool reader_full_ = false;
  std::string error_;
  Failure failure_ = Failure::error;
  ProgressMeter meter_;
  ProgressHandler progress_handler_;
  TransferStateHandler state_handler_;
};

}  // namespace rtcengine::detail
