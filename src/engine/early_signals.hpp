// Negotiation messages (descriptions, candidates) that arrive before their
// connection exists wait here until it opens: a few normally; the bounds
// stop a hostile peer from filling memory. Loop only.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "rtcengine/message.hpp"

namespace rtcengine::detail {

class EarlySignals {
 public:
  static constexpr std::size_t kMaxMessages = 256;
  static constexpr std::size_t kMaxBytes = 4 << 20;  // counted as parsed

  // Keeps `message`; when full, drops it and returns why.
  std::optional<std::string> keep(const Json& message);
  // Everything kept, oldest first; the store is empty afterwards.
  std::deque<Json> take();
  void clear();

 private:
  std::deque<Json> messages_;
  std::size_t bytes_ = 0;
};

}  // namespace rtcengine::detail
