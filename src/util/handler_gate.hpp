// The rule behind "no handler runs after close() returns" (docs/api.md,
// "Handlers and close()"). A user's handler runs inside run(); close()
// marks the gate closed, so no handler starts after it, and waits for the
// one running at that moment on another thread to return. On the handler's
// own thread (a handler that closes its socket) close() returns at once:
// the running handler finishes, none follows. The mutex is recursive for
// that case and for handlers that set handlers, which deliver kept frames.
//
// Never hold another lock of ours while calling close(): a running
// handler may take it.
#pragma once

#include <atomic>
#include <mutex>
#include <utility>

namespace rtcengine::detail {

class HandlerGate {
 public:
  // Runs `handler` unless the gate is closed; false when it did not run.
  template <typename Handler>
  bool run(Handler&& handler) {
    std::lock_guard lock(mutex_);
    if (closed_.load()) return false;
    std::forward<Handler>(handler)();
    return true;
  }
  // No run() starts after this returns, and none is running except on the
  // calling thread.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  bool is_closed() const { return closed_.load(); }

 private:
  std::recursive_mutex mutex_;
  std::atomic<bool> closed_{false};
};

}  // namespace rtcengine::detail
