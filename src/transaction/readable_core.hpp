// The state behind a Readable. Chunks arrive on the engine's thread and go
// to the one sink the user chose (reader_sinks.hpp: callback, stream, file,
// or the bounded queue for read()); the reader tells the writer it is ready only once a sink is
// set, confirms what it wrote, and verifies the digest at the end.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "rtcengine/readable.hpp"
#include "rtcengine/socket.hpp"
#include "rtcengine/transfer_options.hpp"
#include "transaction/reader_sinks.hpp"
#include "transaction/save_target.hpp"
#include "transaction/sha256.hpp"
#include "transaction/transfer_status.hpp"

namespace rtcengine::detail {

class EventLoop;

class ReadableCore : public std::enable_shared_from_this<ReadableCore> {
 public:
  // `transfer` is the writer's `__transfer` announcement, null from a writer
  // without the extension.
  ReadableCore(SocketPtr socket, Json metadata, const Json& transfer, TransferOptions options);
  // Engine's thread: installs the writer's event handlers and the data handler.
  void start();

  const Json& metadata() const { return metadata_; }
  std::optional<std::uint64_t> size() const { return size_; }

  void on_data(ChunkHandler handler);
  void pipe_to(std::ostream& out);
  void save_to(SaveTarget target, SaveOptions options);
  std::optional<Bytes> read(std::chrono::milliseconds timeout);

  void pause();
  void resume();
  void stop(const std::string& reason);

  // State, error, progress, their handlers and wait().
  TransferStatus& status() { return status_; }
  const TransferStatus& status() const { return status_; }

 private:
  // Caller's thread: claims the one sink; throws UsageError for a second.
  // False when the transfer failed already (the peer broke the protocol
  // before a sink was chosen): state() and wait() tell; nothing is delivered.
  bool claim_sink();
  // Engine's thread: sends `__transaction-ready`.
  void choose_sink(std::unique_ptr<ReaderSink> sink, std::uint64_t offset);
  void on_chunk(const Message& message);
  void on_digest(const Json& payload);
  void on_socket_closed();
  void maybe_finish();
  void finish();
  // Fails, tells the writer `tell_event` (with `told`, or `reason`), closes.
  void fail_here(const std::string& reason, const char* tell_event, bool integrity = false,
                 const std::string* told = nullptr);

  SocketPtr socket_;
  EventLoop& loop_;
  Json metadata_;
  const TransferOptions options_;
  std::optional<std::uint64_t> size_;
  std::string transfer_id_;            // empty: the writer cannot resume
  bool writer_has_extension_ = false;  // it understands acks, offsets, `__verified`
  bool writer_sends_digest_ = false;

  // Engine's thread only.
  std::unique_ptr<ReaderSink> sink_;  // null until chosen
  Sha256 hasher_;
  std::optional<std::string> expected_digest_;
  std::uint64_t received_ = 0;  // including the resume offset
  std::uint64_t last_ack_ = 0;
  bool finished_ = false;
  bool stop_pending_ = false;  // the failure about to be recorded is a stop

  // Guarded by status_.mutex(), as status_ is.
  TransferStatus status_;
  ReadQueue queue_{status_.mutex(), status_.changed()};
};

}  // namespace rtcengine::detail
