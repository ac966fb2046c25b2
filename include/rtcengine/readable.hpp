// The receiving end of a transaction (Engine::readable(), on_readable(),
// next_readable()), and where a received file goes.
//
// Threads: every method may be called from any thread. The blocking ones
// (read, wait) are for your own threads. Handlers run on the engine's
// thread and must not block.
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
#include "rtcengine/transfer_progress.hpp"

namespace rtcengine {

namespace detail {
class ReadableCore;
}  // namespace detail

/// Where a received file goes (Readable::save_to(), save_under()).
struct SaveOptions {
  /// Replace an existing file of the final name.
  bool overwrite = false;
  /// Keep the partial file of a failed transfer so the next transfer of the
  /// same content resumes from it.
  bool keep_partial = true;
};

/// The receiving end: a handle over the transfer, which runs to its end
/// even if nobody keeps the handle. Choose one sink: on_data, pipe_to,
/// save_to, save_under or read; the reader tells the writer it is ready
/// only then. on_data, pipe_to, save_to and save_under throw UsageError
/// once a sink was chosen.
class Readable final {
 public:
  /// Made by the engine; not for direct use.
  explicit Readable(std::shared_ptr<detail::ReadableCore> core);
  ~Readable();

  /// The writer's metadata, as it sent it.
  [[nodiscard]] const Json& metadata() const;
  /// The metadata's `name`, when present and a string.
  [[nodiscard]] std::optional<std::string> name() const;
  /// The metadata's `size`, when present and a non-negative integer.
  [[nodiscard]] std::optional<std::uint64_t> size() const;

  /// Sink: each chunk as it arrives, on the engine's thread.
  void on_data(std::function<void(std::span<const std::uint8_t> chunk)> handler);
  /// Sink: writes to a stream, on the engine's thread; the stream must
  /// outlive the transfer.
  void pipe_to(std::ostream& out);
  /// Sink: writes to `.<name>.rtcengine-part` next to `path`, verifies,
  /// then renames to `path`. Resumes from a partial file of the same
  /// transfer. Throws TransferError if `path` exists and overwrite is off.
  /// Every name in the folder (part file, sidecar, final name) is opened
  /// relative to it without following symlinks. A local failure (disk
  /// full, final name taken) cancels the transfer, so the writer learns
  /// why; its message says whether the part file was kept for a resume.
  void save_to(const std::filesystem::path& path, SaveOptions options = {});
  /// Sink: as save_to, for a relative '/'-separated name such as a peer
  /// sends ("album/a.jpg"), under `folder`. Refuses absolute names, "..",
  /// empty or "." components, backslashes, control characters and
  /// components over 255 bytes (TransferError), creates missing
  /// subfolders, and opens each step from the one before without following
  /// a symlink, so the file cannot land outside `folder`.
  void save_under(const std::filesystem::path& folder, const std::string& name,
                  SaveOptions options = {});
  /// Sink, pull style: the next chunk, nullopt at the end. Throws the
  /// failure (see error()), TimeoutError, or UsageError on the engine's
  /// thread. The queue is bounded (10 MiB): the writer is told to wait
  /// when it is full, and a writer that goes on regardless fails the
  /// transfer once 40 MiB wait unread.
  [[nodiscard]] std::optional<Bytes> read(std::chrono::milliseconds timeout);

  /// Waits for the end: true when done, false on timeout. Throws the
  /// failure (see error()), or UsageError on the engine's thread.
  bool wait(std::chrono::milliseconds timeout);
  /// Pauses the transfer; the writer waits. Nothing happens once ended.
  void pause();
  /// Undoes this side's pause().
  void resume();
  /// Cancels: the writer fails with `reason` (bytes that are not UTF-8 are
  /// replaced). Runs on the engine's thread and waits for it. Once it
  /// returned, no chunk or progress handler starts; the final state
  /// `failed` runs once. Safe inside a handler.
  void stop(const std::string& reason = "cancelled by the receiver");

  /// The state now.
  [[nodiscard]] TransferState state() const;
  /// As Writable::error(): once failed, the error wait() throws; null otherwise.
  [[nodiscard]] std::exception_ptr error() const;
  /// The progress now; `bytes` counts what was delivered or written.
  [[nodiscard]] TransferProgress progress() const;
  /// Replaces the progress handler (engine's thread, see ProgressHandler).
  void on_progress(ProgressHandler handler);
  /// Replaces the state handler (engine's thread, see TransferStateHandler).
  void on_state_change(TransferStateHandler handler);

 private:
  std::shared_ptr<detail::ReadableCore> core_;
};

/// How the engine hands out the receiving end.
using ReadablePtr = std::shared_ptr<Readable>;

}  // namespace rtcengine
