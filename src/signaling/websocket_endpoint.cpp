#include "signaling/websocket_endpoint.hpp"

#include <regex>

namespace rtcengine::detail {

WebSocketEndpoint WebSocketEndpoint::parse(const std::string& url) {
  static const std::regex pattern(R"(^(wss?)://(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?(/[^#]*)?$)");
  std::smatch match;
  if (!std::regex_match(url, match, pattern)) {
    throw InvalidOptionError("WebSocketSignaler url: \"" + url +
                             "\" is not ws://HOST[:PORT]/ROOM or wss://HOST[:PORT]/ROOM");
  }
  WebSocketEndpoint parsed;
  parsed.tls = match[1] == "wss";
  parsed.host = match[2];
  if (parsed.host.front() == '[') parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  parsed.port = match[3].matched ? match[3].str() : (parsed.tls ? "443" : "80");
  parsed.target = match[4].matched ? match[4].str() : "/";
  if (parsed.target == "/" || parsed.target.rfind("/?", 0) == 0) {
    throw InvalidOptionError("WebSocketSignaler url: \"" + url +
                             "\" names no room (ws://HOST:PORT/ROOM)");
  }
  std::string path = parsed.target.substr(1);
  parsed.room = path.substr(0, path.find('?'));
  return parsed;
}

boost::asio::ssl::context tls_client_context(const WebSocketSignalerOptions& options) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_client);
  if (!options.verify_certificate) {
    context.set_verify_mode(ssl::verify_none);
    return context;
  }
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code error;
  if (options.ca_file.empty()) {
    context.set_default_verify_paths(error);
  } else {
    context.load_verify_file(options.ca_file, error);
  }
  if (error) {
    throw InvalidOptionError("WebSocketSignaler ca_file: cannot load \"" + options.ca_file +
                             "\": " + error.message() +
                             " (a PEM file of CA certificates is expected)");
  }
  return context;
}

}  // namespace rtcengine::detail
