// How far a transaction is: its state, its progress figures, and the
// handlers that report both. Handlers run on the engine's thread, one at a
// time, and must not block; after `done` or `failed` none runs again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace rtcengine {

/// Where a transaction stands. It starts `waiting`, moves between
/// `running` and `paused`, and ends `done` or `failed`.
enum class TransferState {
  waiting,  ///< the reader has not said it is ready yet
  running,  ///< bytes may flow
  paused,   ///< by either side (or the reader's queue is full)
  done,     ///< every byte arrived (and the digest matched, when sent)
  failed,   ///< stopped by either side, socket lost, digest mismatch, I/O error
};

/// The state's name ("waiting", "running", ...).
[[nodiscard]] const char* to_string(TransferState state);

/// A snapshot of a transaction's progress.
struct TransferProgress {
  /// Writer: bytes the reader confirmed (or, with a peer that does not
  /// confirm, bytes that left this side). Reader: bytes delivered or written.
  std::uint64_t bytes = 0;
  /// The metadata's `size`, when given.
  std::optional<std::uint64_t> total;
  /// bytes / total, when the total is known.
  std::optional<double> fraction;
  /// Over the last seconds, paused time excluded.
  double bytes_per_second = 0;
  /// Seconds left at the current speed, when the total is known.
  std::optional<double> eta_seconds;
  /// Bytes the reader already had when the transfer resumed.
  std::uint64_t resumed_from = 0;
  /// Running time, paused time excluded.
  std::chrono::milliseconds active_time{0};

  /// The speed for people: "12.4 MB/s".
  [[nodiscard]] std::string speed_text() const;
};

/// A size for people, in powers of 1000: "1.5 GB", "200 KB", "17 B".
[[nodiscard]] std::string format_bytes(double bytes);

/// Called on the engine's thread every TransferOptions::progress_interval
/// while the transfer runs.
using ProgressHandler = std::function<void(const TransferProgress& progress)>;
/// Called on the engine's thread on each change of state.
using TransferStateHandler = std::function<void(TransferState state)>;

}  // namespace rtcengine
