// The engine's thread, played by the fuzz target itself: posted tasks run
// when the target drains the loop, and everything counts as "on the loop"
// (the target is the only thread). Delayed tasks run only when asked, once.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "support/check.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::fuzz {

class FakeLoop final : public detail::EventLoop {
 public:
  void post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  void post_after(std::chrono::milliseconds, std::function<void()> task) override {
    delayed_.push_back(std::move(task));
  }
  [[nodiscard]] bool is_current() const override { return true; }
  void run_and_wait(std::function<void()> task) override { task(); }

  // Runs posted tasks until none is left; a task that keeps posting forever
  // is a livelock.
  void drain() {
    for (int ran = 0; !tasks_.empty(); ++ran) {
      require(ran < 100000, "posted tasks never stop posting more");
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      task();
    }
  }
  // Fires the timers set so far (progress, close handshake), then drains.
  void fire_timers() {
    auto due = std::move(delayed_);
    delayed_.clear();
    for (auto& task : due) task();
    drain();
  }

 private:
  std::deque<std::function<void()>> tasks_;
  std::vector<std::function<void()>> delayed_;
};

}  // namespace rtcengine::fuzz
