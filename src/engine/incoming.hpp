// What the peer opened on its own (unnegotiated sockets, transactions),
// waiting for the user: handed to the handler once one is set, or taken one
// by one with next() from the user's own thread. Arrivals come on the
// engine's loop; set_handler() and next() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

template <typename T>
class Incoming {
 public:
  using Handler = std::function<void(T)>;
  // Whether a kept item is no longer worth handing out (closed, failed).
  using Stale = std::function<bool(const T&)>;

  explicit Incoming(Stale stale) : stale_(std::move(stale)) {}

  // ---- loop ----
  // How many wait for a handler (stale ones are dropped first); 0 while a
  // handler is set.
  std::size_t waiting() {
    std::lock_guard lock(mutex_);
    std::erase_if(queue_, stale_);
    return queue_.size();
  }
  // Hands `item` to the handler, or keeps it for the next one or next().
  void arrive(T item) {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      handler = handler_;
      if (!handler) queue_.push_back(std::move(item));
    }
    if (handler) {
      handler(std::move(item));
    } else {
      arrived_.notify_all();
    }
  }

  // ---- any thread ----
  // What waited is delivered on `loop`, like every other handler.
  void set_handler(Handler handler, EventLoop& loop) {
    std::deque<T> kept;
    {
      std::lock_guard lock(mutex_);
      handler_ = handler;
      if (handler) kept.swap(queue_);
    }
    if (kept.empty()) return;
    loop.post([kept = std::move(kept), handler = std::move(handler)] {
      for (auto& item : kept) handler(item);
    });
  }
  // The oldest waiting item; a default T (nullptr) on timeout.
  T next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!arrived_.wait_for(lock, timeout, [&] { return !queue_.empty(); })) return T{};
    auto item = std::move(queue_.front());
    queue_.pop_front();
    return item;
  }

 private:
  Stale stale_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<T> queue_;
  Handler handler_;
};

}  // namespace rtcengine::detail
