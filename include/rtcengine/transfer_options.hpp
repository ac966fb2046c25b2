// The settings of one transaction, used by both ends.
#pragma once

#include <chrono>
#include <cstddef>

namespace rtcengine {

/// Settings of a transaction, a plain struct with rtc-engine's defaults.
/// Engine::writable() and Engine::readable() take it and validate it.
struct TransferOptions {
  /// Bytes per binary message, 1 to Socket::kMaxMessageSize (256 KiB);
  /// rtc-engine uses 200 KiB.
  std::size_t chunk_size = 200 * 1024;
  /// How often the progress handler runs while the transfer runs; positive.
  std::chrono::milliseconds progress_interval{500};

  /// Throws InvalidOptionError naming the first field out of its range and
  /// its value.
  void validate() const;
};

}  // namespace rtcengine
