#include "engine/early_signals.hpp"

#include "util/untrusted_json.hpp"

namespace rtcengine::detail {

std::optional<std::string> EarlySignals::keep(const Json& message) {
  auto bytes = measure_json(message).bytes;
  if (messages_.size() >= kMaxMessages || bytes_ + bytes > kMaxBytes) {
    return "dropped a \"" + message.value("type", std::string("?")) +
           "\" message that arrived before the connection: too many are waiting already";
  }
  bytes_ += bytes;
  messages_.push_back(message);
  return std::nullopt;
}

std::deque<Json> EarlySignals::take() {
  auto taken = std::move(messages_);
  clear();
  return taken;
}

void EarlySignals::clear() {
  messages_.clear();
  bytes_ = 0;
}

}  // namespace rtcengine::detail
