// The state behind a Writable. The caller's thread runs write(): it waits
// for the reader (ready, paused, queue full) and for room in the socket, so
// the writer never holds more than the socket's bound. Events from the
// reader arrive on the engine's thread.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "rtcengine/socket.hpp"
#include "rtcengine/transfer_options.hpp"
#include "rtcengine/writable.hpp"
#include "transaction/sha256.hpp"
#include "transaction/transfer_status.hpp"

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
  void pause();
  void resume();
  void stop(const std::string& reason);
  std::uint64_t bytes_sent() const;

  // State, error, progress, their handlers and wait().
  TransferStatus& status() { return status_; }
  const TransferStatus& status() const { return status_; }

 private:
  // All need status_.mutex() unless noted.
  void fail(const std::string& reason,
            TransferStatus::Failure kind = TransferStatus::Failure::error);
  std::uint64_t confirmed_bytes() const;
  // Engine's thread.
  void on_ready(const Json& payload);
  void on_ack(const Json& payload);
  void on_verified();
  void on_socket_closed();

  SocketPtr socket_;
  EventLoop& loop_;
  Json metadata_;
  const TransferOptions options_;
  std::optional<std::uint64_t> size_;
  bool announces_digest_ = false;
  std::optional<std::uint64_t> corrupt_at_;  // test hook

  // Guarded by status_.mutex(), as status_ is.
  TransferStatus status_;
  bool peer_acks_ = false;
  bool ended_ = false;
  std::uint64_t offset_ = 0;  // where the reader starts
  std::uint64_t given_ = 0;   // bytes the caller wrote (hashed)
  std::uint64_t sent_ = 0;    // bytes handed to the socket
  std::uint64_t acked_ = 0;   // bytes the reader confirmed

  Sha256 hasher_;  // caller's thread only
};

}  // namespace rtcengine::detail
