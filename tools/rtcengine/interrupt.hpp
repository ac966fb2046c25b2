// Ctrl-C (SIGINT) and SIGTERM become a flag the command loops poll, so a
// transfer is stopped properly (the peer is told) instead of cut off.
#pragma once

namespace rtcengine::cli {

void install_interrupt_handler();
bool interrupted();

}  // namespace rtcengine::cli

#include <chrono>
#include <future>
#include <optional>

namespace rtcengine::cli {

// The future's value, or nullopt once the user interrupted.
template <typename T>
std::optional<T> get_unless_interrupted(std::future<T>& future) {
  while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (interrupted()) return std::nullopt;
  }
  return future.get();
}

}  // namespace rtcengine::cli
