#include "http_session.hpp"

#include <boost/beast/http/error.hpp>
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

// A client that has not finished its TLS handshake and request by then is
// answered 408 and dropped, so silent connections cannot pile up. Real
// clients send their request at once.
constexpr auto request_timeout = 5s;
// After an answer: how long the client may take to read it and close.
constexpr auto answer_grace = 2s;
constexpr std::size_t header_limit = 8 * 1024;

// The parser refused what the client sent (as opposed to the client
// closing before a whole request arrived).
bool is_malformed_request(beast::error_code error) {
  return error.category() == http::make_error_code(http::error::bad_method).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(Stream stream, Hub& hub, ConnectionSlot slot)
    : stream_(std::move(stream)),
      hub_(hub),
      slot_(std::move(slot)),
      request_deadline_(stream_.get_executor()) {}

template <class Stream>
void HttpSession<Stream>::start() {
  // Backstop: nothing on this connection outlives the deadline and one answer.
  beast::get_lowest_layer(stream_).expires_after(request_timeout + answer_grace);
  arm_request_deadline();
  if constexpr (is_tls<Stream>) {
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code error) {
                              if (error) return;
                              self->handshake_done_ = true;
                              self->read_request();
                            });
  } else {
    read_request();
  }
}

template <class Stream>
void HttpSession<Stream>::arm_request_deadline() {
  request_deadline_.expires_after(request_timeout);
  request_deadline_.async_wait([weak = this->weak_from_this()](beast::error_code cancelled) {
    auto self = weak.lock();
    if (cancelled || !self) return;
    self->timed_out_ = true;
    // The pending read or handshake completes with operation_aborted.
    beast::get_lowest_layer(self->stream_).cancel();
  });
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(header_limit);
  parser_->body_limit(1024);  // requests here have no business carrying a body
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                     self->on_request(error);
                   });
}

template <class Stream>
void HttpSession<Stream>::on_request(beast::error_code error) {
  request_deadline_.cancel();
  if (error) return on_bad_request(error);
  auto request = parser_->release();
  std::string_view target = request.target();
  if (beast::websocket::is_upgrade(request)) {
    auto upgrade = parse_upgrade_request(target, request[http::field::authorization]);
    if (!upgrade) {
      return respond(http::status::bad_request,
                     "the path must be /ROOM, ROOM being 1 to 64 characters of A-Z a-z 0-9 . _ - "
                     "and not only dots\n");
    }
    beast::get_lowest_layer(stream_).expires_never();  // the WebSocket has its own timeouts
    std::make_shared<WebSocketSession<Stream>>(std::move(stream_), hub_, std::move(*upgrade),
                                               std::move(slot_))
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

// Answers what can be answered instead of dropping the connection.
template <class Stream>
void HttpSession<Stream>::on_bad_request(beast::error_code error) {
  if (timed_out_) {
    if (!handshake_done_) return;  // a TLS client that never finished its handshake
    return respond(http::status::request_timeout,
                   "the request did not arrive within " +
                       std::to_string(std::chrono::seconds(request_timeout).count()) + " s\n");
  }
  if (error == http::error::header_limit) {
    return respond(http::status::request_header_fields_too_large,
                   "request headers are limited to " + std::to_string(header_limit) + " bytes\n");
  }
  if (error == http::error::body_limit) {
    return respond(http::status::payload_too_large, "requests here carry no body\n");
  }
  if (is_malformed_request(error))
    return respond(http::status::bad_request, "malformed HTTP request\n");
  // The client closed or the connection broke: nobody to answer.
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
  beast::get_lowest_layer(stream_).expires_after(answer_grace);
  http::async_write(stream_, response_,
                    [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                      if (!error) self->on_responded();
                    });
}

template <class Stream>
void HttpSession<Stream>::on_responded() {
  if constexpr (is_tls<Stream>) {
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    drain_until_closed();
  }
}

// Closing while the client's bytes sit unread makes the kernel send a reset,
// which may destroy the answer before the client read it; so read and
// discard until the client closes (or answer_grace runs out).
template <class Stream>
void HttpSession<Stream>::drain_until_closed() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                            if (!error) self->drain_until_closed();
                          });
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace rtcengine::signal_server
