// Turns "bytes done so far" into progress figures: speed over the last few
// seconds of running time (paused time does not count) and an ETA.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "rtcengine/transfer_progress.hpp"

namespace rtcengine::detail {

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;

  void set_total(std::optional<std::uint64_t> total) { total_ = total; }
  void set_resumed_from(std::uint64_t bytes) { resumed_from_ = bytes; }
  // Running time counts between start/resume and pause/stop.
  void set_running(bool running, Clock::time_point now = Clock::now());
  void record(std::uint64_t bytes, Clock::time_point now = Clock::now());
  TransferProgress snapshot(Clock::time_point now = Clock::now()) const;

 private:
  std::chrono::nanoseconds active_time(Clock::time_point now) const;

  std::optional<std::uint64_t> total_;
  std::uint64_t resumed_from_ = 0;
  std::uint64_t bytes_ = 0;
  bool running_ = false;
  Clock::time_point running_since_{};
  std::chrono::nanoseconds active_before_{0};
  // (active time, bytes) samples of the last seconds, for the speed.
  std::deque<std::pair<std::chrono::nanoseconds, std::uint64_t>> samples_;
};

}  // namespace rtcengine::detail
