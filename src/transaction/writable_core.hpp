// The state behind a Writable. The caller's thread runs write(): it waits
// for the reader (ready, paused, queue full) and for room in the socket, so
// the writer never holds more than the socket's bound. Events from the
// reader arrive on the engine's thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "rtcengine/socket.hpp"
#include "rtcengine/transaction.hpp"
#include "transaction/progress_meter.hpp"
#include "transaction/sha256.hpp"

namespace rtcengine::detail {

class EventLoop;

class WritableCore : public std::enable_shared_from_this<WritableCore> {
 public:
  WritableCore(SocketPtr socket, Json metadata, TransferOptions options);

  // Engine's thread: installs the reader's event handlers, sends metadata.
  void start();

  const Json& metadata() const { return metadata_; }
  void write(std::span<const std::uint8_t> bytes);
  void end();
  std::optional<std::uint64_t> wait_ready(std::chrono::milliseconds timeout);
  bool wait(std::chrono::milliseconds timeout);
  void pause();
  void resume();
  void stop(const std::string& reason);

  TransferState state() const;
  std::exception_ptr error() const;
  TransferProgress progress() const;
  std::uint64_t bytes_sent() const;
  void on_progress(ProgressHandler handler);
  void on_state_change(TransferStateHandler handler);

 private:
  // All need mutex_ unless noted.
  bool may_send() const;
  void set_state(TransferState state, std::unique_lock<std::mutex>& lock);
  void fail(const std::string& reason, std::unique_lock<std::mutex>& lock);
  void update_running(std::unique_lock<std::mutex>& lock);
  void throw_if_failed() const;
  std::uint64_t confirmed_bytes() const;
  // Engine's thread.
  void on_ready(const Json& payload);
  void on_socket_closed();
  void report_progress();
  void schedule_progress();
  // Sends a control event; false when the socket could not take it.
  bool tell(const char* event, const Json& payload = nullptr);

  SocketPtr socket_;
  EventLoop& loop_;
  Json metadata_;
  const TransferOptions options_;
  std::optional<std::uint64_t> size_;
  bool announces_digest_ = false;
  std::optional<std::uint64_t> corrupt_at_;  // test hook

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  TransferState state_ = TransferState::waiting;
  std::string error_;
  bool error_is_integrity_ = false;
  bool error_is_stop_ = false;  // stopped on purpose by either side
  bool ready_ = false;
  bool peer_acks_ = false;
  bool paused_here_ = false;
  bool paused_there_ = false;
  bool reader_full_ = false;
  bool ended_ = false;
  std::uint64_t offset_ = 0;  // where the reader starts
  std::uint64_t given_ = 0;   // bytes the caller wrote (hashed)
  std::uint64_t sent_ = 0;    // bytes handed to the socket
  std::uint64_t acked_ = 0;   // bytes the reader confirmed
  ProgressMeter meter_;
  ProgressHandler progress_handler_;
  TransferStateHandler state_handler_;

  Sha256 hasher_;  // caller's thread only
};

}  // namespace rtcengine::detail
