// close() lets every socket hand over what was written before the
// connection goes: it waits as long as bytes keep moving, and gives up on a
// stall, after a long limit, or soon when the connection is not up.
#pragma once

#include <cstddef>
#include <functional>

#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

struct DrainReading {
  bool all_closed = true;
  std::size_t unsent_bytes = 0;
};

// Polls `read` on the loop until every socket closed or waiting stopped
// making sense, then calls `done` once. `connected` picks the limit.
void drain_sockets(EventLoop& loop, std::function<DrainReading()> read,
                   std::function<bool()> connected, std::function<void()> done);

}  // namespace rtcengine::detail
