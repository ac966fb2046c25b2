// Per-connection rate limit: `rate` messages a second on average, with
// short bursts of up to `burst`. A token bucket lets a client that was quiet
// catch up (a burst of ICE candidates) without allowing a sustained flood.
#pragma once

#include <algorithm>
#include <chrono>

namespace rtcengine::signal_server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate, double burst)
      : rate_(rate), burst_(burst), tokens_(burst), refilled_(Clock::now()) {}

  // Takes one token; false when the client is over its limit.
  bool take(Clock::time_point now = Clock::now()) {
    std::chrono::duration<double> elapsed = now - refilled_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    refilled_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point refilled_;
};

}  // namespace rtcengine::signal_server
