// The thread every engine's logic and callbacks run on. It is libwebrtc's
// signaling thread, shared by all engines of the process, so PeerConnection
// and DataChannel calls made from it never hop threads.
#pragma once

#include <chrono>
#include <functional>

namespace rtcengine::detail {

class EventLoop {
 public:
  virtual ~EventLoop() = default;
  virtual void post(std::function<void()> task) = 0;
  virtual void post_after(std::chrono::milliseconds delay, std::function<void()> task) = 0;
  virtual bool is_current() const = 0;
  // Runs `task` on the loop and waits for it; runs it inline when already there.
  virtual void run_and_wait(std::function<void()> task) = 0;
};

}  // namespace rtcengine::detail
