// Two signalers joined in memory, for tests of engines in one process. Tests
// can also inject raw messages as if the peer had sent them, cut the link,
// and read what was sent.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rtcengine/options.hpp"
#include "rtcengine/signaler.hpp"

namespace rtcengine::test {

class MemorySignaler : public Signaler {
 public:
  static std::pair<std::shared_ptr<MemorySignaler>, std::shared_ptr<MemorySignaler>> make_pair(
      bool ready = true);

  void send(const Json& message) override;
  void contribute_options(EngineOptions& options) const override;

  // As if the peer sent it.
  void inject(const Json& message) { receive(message); }
  void inject_text(const std::string& text) { receive_text(text); }
  // Both ends become (not) ready.
  void set_link(bool up);
  // Messages this end sent, in order.
  std::vector<Json> sent() const;
  // A relay in the middle: rewrites each message this end sends.
  void set_tamper(std::function<void(Json& message)> tamper);
  // Replaces the other end (a restarted peer), keeping this end.
  static void join(const std::shared_ptr<MemorySignaler>& a,
                   const std::shared_ptr<MemorySignaler>& b);

 private:
  void mark_ready(bool ready) { set_ready(ready); }

  mutable std::mutex mutex_;
  std::weak_ptr<MemorySignaler> peer_;
  std::vector<Json> sent_;
  std::function<void(Json&)> tamper_;
};

}  // namespace rtcengine::test
