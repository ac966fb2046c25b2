#include "engine/close_drain.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace rtcengine::detail {
namespace {

constexpr auto kStallLimit = std::chrono::seconds(5);
constexpr auto kLimit = std::chrono::seconds(120);
constexpr auto kLimitWhileDown = std::chrono::seconds(2);
constexpr auto kPoll = std::chrono::milliseconds(20);

struct Drain {
  EventLoop& loop;
  std::function<DrainReading()> read;
  std::function<bool()> connected;
  std::function<void()> done;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point moved = start;
  std::size_t unsent = SIZE_MAX;
};

void poll(const std::shared_ptr<Drain>& drain) {
  auto reading = drain->read();
  auto now = std::chrono::steady_clock::now();
  if (reading.unsent_bytes != drain->unsent) {
    drain->unsent = reading.unsent_bytes;
    drain->moved = now;
  }
  bool give_up = now - drain->start > (drain->connected() ? kLimit : kLimitWhileDown) ||
                 now - drain->moved > kStallLimit;
  if (reading.all_closed || give_up) {
    drain->done();
    return;
  }
  drain->loop.post_after(kPoll, [drain] { poll(drain); });
}

}  // namespace

void drain_sockets(EventLoop& loop, std::function<DrainReading()> read,
                   std::function<bool()> connected, std::function<void()> done) {
  auto drain =
      std::make_shared<Drain>(Drain{loop, std::move(read), std::move(connected), std::move(done)});
  loop.post_after(kPoll, [drain] { poll(drain); });
}

}  // namespace rtcengine::detail
