// The settings of one transaction, used by both ends.
#pragma once

#include <chrono>
#include <cstddef>

namespace rtcengine {

/// Settings of a transaction, a plain struct with rtc-engine's defaults.
/// Engine::writable() and Engine::readable() take it.
struct TransferOptions {
  /// Bytes per binary message; rtc-engine uses 200 KiB.
  std::size_t chunk_size = 200 * 1024;
  /// How often the progress handler runs while the transfer runs.
  std::chrono::milliseconds progress_interval{500};
};

}  // namespace rtcengine
