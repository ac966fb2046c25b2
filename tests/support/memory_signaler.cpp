#include "support/memory_signaler.hpp"

namespace rtcengine::test {

std::pair<std::shared_ptr<MemorySignaler>, std::shared_ptr<MemorySignaler>>
MemorySignaler::make_pair(bool ready) {
  auto a = std::make_shared<MemorySignaler>();
  auto b = std::make_shared<MemorySignaler>();
  join(a, b);
  if (!ready) {
    a->set_link(false);
  }
  return {a, b};
}

void MemorySignaler::join(const std::shared_ptr<MemorySignaler>& a,
                          const std::shared_ptr<MemorySignaler>& b) {
  {
    std::lock_guard lock(a->mutex_);
    a->peer_ = b;
  }
  {
    std::lock_guard lock(b->mutex_);
    b->peer_ = a;
  }
  a->mark_ready(true);
  b->mark_ready(true);
}

void MemorySignaler::send(const Json& message) {
  std::shared_ptr<MemorySignaler> peer;
  Json delivered = message;
  {
    std::lock_guard lock(mutex_);
    sent_.push_back(message);
    peer = peer_.lock();
    if (tamper_) tamper_(delivered);
  }
  if (!peer) throw Error("MemorySignaler: no peer");
  peer->receive(delivered);
}

void MemorySignaler::set_tamper(std::function<void(Json& message)> tamper) {
  std::lock_guard lock(mutex_);
  tamper_ = std::move(tamper);
}

void MemorySignaler::contribute_options(EngineOptions& options) const {
  options.allow_loopback = true;
}

void MemorySignaler::set_link(bool up) {
  std::shared_ptr<MemorySignaler> peer;
  {
    std::lock_guard lock(mutex_);
    peer = peer_.lock();
  }
  mark_ready(up);
  if (peer) peer->mark_ready(up);
}

std::vector<Json> MemorySignaler::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

}  // namespace rtcengine::test
