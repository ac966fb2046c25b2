// Transactions: one-way transfers of a stream or a file between the peers,
// compatible with rtc-engine's (metadata event, `__transaction-ready`, binary
// chunks, pause/resume/abort/cancel, buffer-full/pull). Between two RTCEngine
// peers they also carry a SHA-256 digest the reader verifies, confirmations
// of what the reader wrote (so progress counts confirmed bytes), and a resume
// offset so an interrupted file transfer continues where it stopped.
//
// Threads: every method may be called from any thread. The blocking ones
// (write, send_file, read, wait) are for your own threads. Handlers run on
// the engine's thread and must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "rtcengine/errors.hpp"
#include "rtcengine/message.hpp"

namespace rtcengine {

namespace detail {
class WritableCore;
class ReadableCore;
}  // namespace detail

enum class TransferState {
  waiting,  // the reader has not said it is ready yet
  running,
  paused,  // by either side (or the reader's queue is full)
  done,    // every byte arrived (and the digest matched, when sent)
  failed,  // stopped by either side, socket lost, digest mismatch, I/O error
};
const char* to_string(TransferState state);

struct TransferProgress {
  // Writer: bytes the reader confirmed (or, with a peer that does not
  // confirm, bytes that left this side). Reader: bytes delivered or written.
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total;  // metadata's `size`, when given
  std::optional<double> fraction;      // bytes / total
  double bytes_per_second = 0;         // over the last seconds, paused time excluded
  std::optional<double> eta_seconds;
  std::uint64_t resumed_from = 0;            // bytes the reader already had (resume)
  std::chrono::milliseconds active_time{0};  // running time, paused time excluded

  // "12.4 MB/s"
  std::string speed_text() const;
};
// "1.5 GB", "200 KB", "17 B"
std::string format_bytes(double bytes);

using ProgressHandler = std::function<void(const TransferProgress& progress)>;
using TransferStateHandler = std::function<void(TransferState state)>;

// Settings both ends use.
struct TransferOptions {
  // Bytes per binary message; rtc-engine uses 200 KiB.
  std::size_t chunk_size = 200 * 1024;
  std::chrono::milliseconds progress_interval{500};
};

// The sending end.
class Writable {
 public:
  explicit Writable(std::shared_ptr<detail::WritableCore> core);
  ~Writable();

  const Json& metadata() const;

  // Sends bytes, in order, split into chunks. Waits while the reader is not
  // ready, while either side paused, and while the send buffer is full, so
  // memory stays bounded. The caller always writes from the first byte: when
  // the reader resumes at offset N, the first N bytes are only hashed.
  // Throws TransferError once the transfer failed or was stopped.
  void write(std::span<const std::uint8_t> bytes);
  void write(const void* data, std::size_t size);
  // All bytes are written: sends the digest and waits for nothing.
  void end();
  // Sends a whole stream or file and ends; reads what a resuming reader
  // already has only to hash it. With a `size` in the metadata, the input
  // must hold exactly that many bytes. An input that cannot be read, or
  // that does not match (a file that grows, shrinks or is modified while
  // it is sent: size and modification time are compared before and after),
  // stops the transfer, telling the reader why, and throws
  // TransferStoppedError ("... changed while being sent"). Other failures
  // throw TransferError.
  void send_stream(std::istream& in);
  void send_file(const std::filesystem::path& path);

  // Where the reader started (0, or the bytes it already had); waits until
  // the reader is ready. nullopt on timeout.
  std::optional<std::uint64_t> wait_ready(std::chrono::milliseconds timeout);
  // Waits for the end: true when done, false on timeout; throws
  // TransferError when it failed.
  bool wait(std::chrono::milliseconds timeout);

  void pause();
  void resume();
  // Aborts: the reader fails with `reason` (bytes that are not UTF-8 are
  // replaced, as the reason crosses the wire as JSON).
  void stop(const std::string& reason = "stopped by the sender");

  TransferState state() const;
  // Once failed: the error wait() throws (TransferStoppedError,
  // IntegrityError or TransferError); null otherwise. Safe in handlers.
  std::exception_ptr error() const;
  TransferProgress progress() const;
  // Position of the last byte sent, counted from the start of the content
  // (a resumed transfer starts at the reader's offset).
  std::uint64_t bytes_sent() const;
  void on_progress(ProgressHandler handler);
  void on_state_change(TransferStateHandler handler);

 private:
  std::shared_ptr<detail::WritableCore> core_;
};

// Where a received file goes.
struct SaveOptions {
  bool overwrite = false;  // replace an existing file of the final name
  // Keep the partial file of a failed transfer so the next transfer of the
  // same content resumes from it.
  bool keep_partial = true;
};

// The receiving end. Choose one sink: on_data, pipe_to, save_to, or read;
// the reader tells the writer it is ready only then.
class Readable {
 public:
  explicit Readable(std::shared_ptr<detail::ReadableCore> core);
  ~Readable();

  const Json& metadata() const;
  // metadata's `name` and `size`, when present and of the right type.
  std::optional<std::string> name() const;
  std::optional<std::uint64_t> size() const;

  // Chunks as they arrive, on the engine's thread.
  void on_data(std::function<void(std::span<const std::uint8_t> chunk)> handler);
  // Writes to a stream (on the engine's thread; it must outlive the transfer).
  void pipe_to(std::ostream& out);
  // Writes to `.<name>.rtcengine-part` next to `path`, verifies, then renames
  // to `path`. Resumes from a partial file of the same transfer. Throws
  // TransferError if `path` exists and overwrite is off.
  // Every name in the folder (part file, sidecar, final name) is opened
  // relative to it without following symlinks. A local failure (disk full,
  // final name taken) cancels the transfer, so the writer learns why; its
  // message says whether the part file was kept for a resume.
  void save_to(const std::filesystem::path& path, SaveOptions options = {});
  // As save_to, for a relative '/'-separated name such as a peer sends
  // ("album/a.jpg"), under `folder`: refuses absolute names, "..", empty or
  // "." components, backslashes, control characters and components over
  // 255 bytes (TransferError), creates missing subfolders, and opens each
  // step from the one before without following a symlink, so the file
  // cannot land outside `folder`.
  void save_under(const std::filesystem::path& folder, const std::string& name,
                  SaveOptions options = {});
  // Pull style: the next chunk, nullopt at the end; throws TransferError on
  // failure or TimeoutError. The queue is bounded (10 MiB): the writer is
  // told to wait when it is full, and a writer that goes on regardless
  // fails the transfer once 40 MiB wait unread.
  std::optional<Bytes> read(std::chrono::milliseconds timeout);

  bool wait(std::chrono::milliseconds timeout);
  void pause();
  void resume();
  // Cancels: the writer fails with `reason`.
  void stop(const std::string& reason = "cancelled by the receiver");

  TransferState state() const;
  std::exception_ptr error() const;  // as Writable::error()
  TransferProgress progress() const;
  void on_progress(ProgressHandler handler);
  void on_state_change(TransferStateHandler handler);

 private:
  std::shared_ptr<detail::ReadableCore> core_;
};

using WritablePtr = std::shared_ptr<Writable>;
using ReadablePtr = std::shared_ptr<Readable>;

}  // namespace rtcengine
