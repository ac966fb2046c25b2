// The sending end of a transaction (Engine::writable()).
//
// Threads: every method may be called from any thread. The blocking ones
// (write, send_stream, send_file, wait_ready, wait) are for your own
// threads. Handlers run on the engine's thread and must not block.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
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
class WritableCore;
}  // namespace detail

/// The sending end: a handle over the transfer, which runs to its end even
/// if nobody keeps the handle.
class Writable final {
 public:
  /// Made by Engine::writable(); not for direct use.
  explicit Writable(std::shared_ptr<detail::WritableCore> core);
  ~Writable();

  /// The metadata sent to the reader, as given.
  [[nodiscard]] const Json& metadata() const;

  /// Sends bytes, in order, split into chunks of TransferOptions::chunk_size.
  /// Waits while the reader is not ready, while either side paused, and
  /// while the send buffer is full, so memory stays bounded. The caller
  /// always writes from the first byte: when the reader resumes at offset
  /// N, the first N bytes are only hashed. Throws TransferError once the
  /// transfer failed or was stopped, UsageError after end() or past the
  /// metadata's `size`.
  void write(std::span<const std::uint8_t> bytes);
  /// As write(span).
  void write(const void* data, std::size_t size);
  /// All bytes are written: sends the digest and waits for nothing. Throws
  /// TransferError when the transfer failed, or when fewer bytes than the
  /// metadata's `size` were written (it stops the transfer then).
  void end();
  /// Sends a whole stream and ends; reads what a resuming reader already
  /// has only to hash it. With a `size` in the metadata, the input must
  /// hold exactly that many bytes. An input that cannot be read or does not
  /// match stops the transfer, telling the reader why, and throws
  /// TransferStoppedError. Other failures throw TransferError.
  void send_stream(std::istream& in);
  /// As send_stream(), for a file; one that grows, shrinks or is modified
  /// while it is sent (size and modification time are compared before and
  /// after) throws TransferStoppedError ("... changed while being sent").
  void send_file(const std::filesystem::path& path);

  /// Waits until the reader is ready: where it starts (0, or the bytes it
  /// already had), nullopt on timeout. Throws TransferError when the
  /// transfer failed.
  [[nodiscard]] std::optional<std::uint64_t> wait_ready(std::chrono::milliseconds timeout);
  /// Waits for the end: true when done, false on timeout. Throws the
  /// failure (see error()), or UsageError on the engine's thread.
  bool wait(std::chrono::milliseconds timeout);

  /// Pauses sending; the reader sees `paused`. Nothing happens once ended.
  void pause();
  /// Undoes this side's pause().
  void resume();
  /// Aborts: the reader fails with `reason` (bytes that are not UTF-8 are
  /// replaced, as the reason crosses the wire as JSON). Once it returned,
  /// only the final state `failed` runs, once: no progress handler nor any
  /// other state. Safe inside a handler.
  void stop(const std::string& reason = "stopped by the sender");

  /// The state now.
  [[nodiscard]] TransferState state() const;
  /// Once failed: the error wait() throws (TransferStoppedError,
  /// IntegrityError or TransferError); null otherwise. Safe in handlers.
  [[nodiscard]] std::exception_ptr error() const;
  /// The progress now; `bytes` counts what the reader confirmed.
  [[nodiscard]] TransferProgress progress() const;
  /// Position of the last byte sent, counted from the start of the content
  /// (a resumed transfer starts at the reader's offset).
  [[nodiscard]] std::uint64_t bytes_sent() const;
  /// Replaces the progress handler (engine's thread, see ProgressHandler).
  void on_progress(ProgressHandler handler);
  /// Replaces the state handler (engine's thread, see TransferStateHandler).
  void on_state_change(TransferStateHandler handler);

 private:
  std::shared_ptr<detail::WritableCore> core_;
};

/// How Engine::writable() hands out the sending end.
using WritablePtr = std::shared_ptr<Writable>;

}  // namespace rtcengine
