#include "transaction/progress_meter.hpp"

#include <cmath>

namespace rtcengine::detail {
namespace {
// The speed is measured over this much running time.
constexpr auto kSpeedWindow = std::chrono::seconds(3);
}  // namespace

void ProgressMeter::set_running(bool running, Clock::time_point now) {
  if (running == running_) return;
  if (running) {
    running_since_ = now;
  } else {
    active_before_ += now - running_since_;
  }
  running_ = running;
}

std::chrono::nanoseconds ProgressMeter::active_time(Clock::time_point now) const {
  return active_before_ + (running_ ? now - running_since_ : std::chrono::nanoseconds(0));
}

void ProgressMeter::record(std::uint64_t bytes, Clock::time_point now) {
  bytes_ = bytes;
  auto active = active_time(now);
  samples_.emplace_back(active, bytes);
  while (samples_.size() > 2 && active - samples_.front().first > kSpeedWindow) {
    samples_.pop_front();
  }
}

TransferProgress ProgressMeter::snapshot(Clock::time_point now) const {
  TransferProgress progress;
  progress.bytes = bytes_;
  progress.total = total_;
  progress.resumed_from = resumed_from_;
  auto active = active_time(now);
  progress.active_time = std::chrono::duration_cast<std::chrono::milliseconds>(active);
  if (total_) {
    progress.fraction = *total_ == 0 ? 1.0 : static_cast<double>(bytes_) / *total_;
  }
  if (!samples_.empty()) {
    auto [first_time, first_bytes] = samples_.front();
    double seconds = std::chrono::duration<double>(active - first_time).count();
    if (seconds > 0.05 && bytes_ >= first_bytes) {
      progress.bytes_per_second = (bytes_ - first_bytes) / seconds;
    }
  }
  if (total_ && progress.bytes_per_second > 0 && *total_ >= bytes_) {
    progress.eta_seconds = (*total_ - bytes_) / progress.bytes_per_second;
  } else if (total_ && *total_ <= bytes_) {
    progress.eta_seconds = 0;
  }
  return progress;
}

}  // namespace rtcengine::detail
