// Where a WebSocketSignaler connects: its URL taken apart (scheme, host,
// port, target, room) and, for wss://, the TLS context that checks the server.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "rtcengine/websocket_signaler.hpp"

namespace rtcengine::detail {

struct WebSocketEndpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query
  std::string room;    // the path without "/" and query

  // Throws InvalidOptionError naming the url when it is not
  // ws[s]://HOST[:PORT]/ROOM[?QUERY].
  static WebSocketEndpoint parse(const std::string& url);
};

// Verifies the server's certificate against options.ca_file (or the
// system's CAs) unless verify_certificate is off; throws
// InvalidOptionError when ca_file cannot be loaded.
boost::asio::ssl::context tls_client_context(const WebSocketSignalerOptions& options);

}  // namespace rtcengine::detail
