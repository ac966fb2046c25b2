// Answers a connection the server will not serve (over --max-connections or
// the per-address limit) with "503 Service Unavailable" and closes it at
// once, without waiting for its request: a refused connection must cost no
// descriptor beyond the moment it is refused.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string_view>

namespace rtcengine::signal_server {

// Writes the answer without blocking, half-closes, discards what the client
// already sent (so the close is a FIN that keeps the answer, not a reset
// that may drop it) and closes.
void refuse_with_503(boost::asio::ip::tcp::socket& socket, std::string_view reason);

}  // namespace rtcengine::signal_server
