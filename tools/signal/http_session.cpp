#include "http_session.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "upgrade_request.hpp"
#include "websocket_session.hpp"

namespace rtcengine::signal_server {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

// A client that has not finished its request (or TLS handshake) by then is
// dropped, so half-open connections cannot pile up.
constexpr auto request_timeout = 10s;

}  // namespace

template <class Stream>
void HttpSession<Stream>::start() {
  beast::get_lowest_layer(stream_).expires_after(request_timeout);
  if constexpr (is_tls<Stream>) {
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code error) {
                              if (!error) self->read_request();
                            });
  } else {
    read_request();
  }
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(8 * 1024);
  parser_->body_limit(1024);  // requests here have no business carrying a body
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                     self->on_request(error);
                   });
}

template <class Stream>
void HttpSession<Stream>::on_request(beast::error_code error) {
  if (error) return;
  auto request = parser_->release();
  std::string_view target = request.target();
  if (beast::websocket::is_upgrade(request)) {
    auto upgrade = parse_upgrade_request(target, request[http::field::authorization]);
    if (!upgrade) {
      return respond(http::status::bad_request,
                     "the path must be /ROOM, ROOM being 1 to 64 characters of A-Z a-z 0-9 . _ -\n");
    }
    beast::get_lowest_layer(stream_).expires_never();  // the WebSocket has its own timeouts
    std::make_shared<WebSocketSession<Stream>>(std::move(stream_), hub_, std::move(*upgrade))
        ->start(std::move(request));
    return;
  }
  if (target == "/healthz" && request.method() == http::verb::get) {
    return respond(http::status::ok, hub_.health(), "application/json");
  }
  if (parse_upgrade_request(target, "")) {
    response_.set(http::field::upgrade, "websocket");
    return respond(http::status::upgrade_required, "connect with a WebSocket client\n");
  }
  respond(http::status::not_found, "not found\n");
}

template <class Stream>
void HttpSession<Stream>::respond(http::status status, std::string body,
                                  std::string_view content_type) {
  response_.result(status);
  response_.version(11);
  response_.set(http::field::server, "rtcengine-signal");
  response_.set(http::field::content_type, content_type);
  response_.keep_alive(false);
  response_.body() = std::move(body);
  response_.prepare_payload();
  http::async_write(stream_, response_,
                    [self = this->shared_from_this()](beast::error_code, std::size_t) {
                      self->on_responded();
                    });
}

template <class Stream>
void HttpSession<Stream>::on_responded() {
  if constexpr (is_tls<Stream>) {
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace rtcengine::signal_server
