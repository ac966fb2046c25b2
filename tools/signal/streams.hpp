// The two transports a session runs on: plain TCP (ws://, http://) and TLS
// (wss://, https://). Sessions are templates over these two only.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace rtcengine::signal_server {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

}  // namespace rtcengine::signal_server
