// A new connection before it becomes a WebSocket: TLS handshake (wss://),
// one HTTP request, then either the upgrade into a WebSocketSession or a
// plain answer (/healthz, 400 for a bad room name or request, 404, 408 when
// the request does not arrive in time, 426, 431 for oversized headers).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "connection_limits.hpp"
#include "hub.hpp"
#include "streams.hpp"

namespace rtcengine::signal_server {

template <class Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, Hub& hub, ConnectionSlot slot);

  void start();

 private:
  void arm_request_deadline();
  void read_request();
  void on_request(boost::beast::error_code error);
  void on_bad_request(boost::beast::error_code error);
  void respond(boost::beast::http::status status, std::string body,
               std::string_view content_type = "text/plain");
  void on_responded();
  void drain_until_closed();

  Stream stream_;
  Hub& hub_;
  ConnectionSlot slot_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  // Time to complete the TLS handshake and send the request.
  boost::asio::steady_timer request_deadline_;
  bool timed_out_ = false;
  bool handshake_done_ = !is_tls<Stream>;
};

extern template class HttpSession<PlainStream>;
extern template class HttpSession<TlsStream>;

}  // namespace rtcengine::signal_server
