#include "transaction/progress_meter.hpp"

#include <cmath>
#include <cstdio>

namespace rtcengine {

namespace {
constexpr auto kSpeedWindow = std::chrono::seconds(3);
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string TransferProgress::speed_text() const { return format_bytes(bytes_per_second) + "/s"; }

const char* to_string(TransferState state) {
  switch (state) {
    case TransferState::waiting: return "waiting";
    case TransferState::running: return "running";
    case TransferState::paused: return "paused";
    case TransferState::done: return "done";
    case TransferState::failed: return "failed";
  }
  return "unknown";
}

}  // namespace rtcengine

namespace rtcengine::detail {

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
