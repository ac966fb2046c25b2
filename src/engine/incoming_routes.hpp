// Where the peer's unnegotiated channels go: sockets straight into the
// engine's Incoming queue, transactions once their metadata arrived. Both
// count what already waits against the broker's bound, so a peer that
// opens thousands of channels nobody takes cannot fill memory.
#pragma once

#include <memory>

#include "engine/incoming.hpp"
#include "rtcengine/socket.hpp"
#include "rtcengine/transaction.hpp"

namespace rtcengine::detail {

class EngineCore;

void route_incoming_sockets(EngineCore& owner, std::shared_ptr<Incoming<SocketPtr>> incoming);
void route_incoming_transactions(EngineCore& owner,
                                 std::shared_ptr<Incoming<ReadablePtr>> incoming);

}  // namespace rtcengine::detail
