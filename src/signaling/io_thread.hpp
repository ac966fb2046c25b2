// The one I/O thread every signaler of the process shares (LocalSignaler's
// datagram socket and heartbeat, WebSocketSignaler's connection and retry
// timer), so a hundred signalers cost one thread, not a hundred. Handlers
// posted to it run one at a time; never block inside one. It is not
// libwebrtc's signaling thread (the engine loop): no engine state lives here.
#pragma once

#include <boost/asio/io_context.hpp>

namespace rtcengine::detail {

// The Asio context the signalers' shared I/O thread runs; started on the
// first call, never stopped.
boost::asio::io_context& io_thread_context();

}  // namespace rtcengine::detail
