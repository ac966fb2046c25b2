// A small blocking WebSocket/HTTP client for tests of rtcengine-signal.
// Every call has a deadline (async operations run with io_context::run_for),
// so a server that misbehaves fails a test instead of hanging it.
// Header-only, so only the tests that use it pull in Beast.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rtcengine::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

namespace ws_detail {

namespace beast = boost::beast;

// Runs `io` until `done` or the deadline; on timeout cancels what is pending.
template <class Cancel>
bool run_until(boost::asio::io_context& io, const bool& done, std::chrono::milliseconds timeout,
               Cancel cancel) {
  io.restart();
  io.run_for(timeout);
  if (done) return true;
  cancel();
  io.restart();
  io.run();
  return false;
}

// `source`: the loopback address to connect from (any of 127.0.0.0/8), so a
// test can play clients on different hosts; empty lets the kernel pick.
inline boost::asio::ip::tcp::socket connect(boost::asio::io_context& io, std::uint16_t port,
                                            const std::string& source = "") {
  boost::asio::ip::tcp::socket socket(io);
  if (!source.empty()) {
    socket.open(boost::asio::ip::tcp::v4());
    socket.bind({boost::asio::ip::make_address(source), 0});
  }
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  socket.set_option(boost::asio::ip::tcp::no_delay(true));
  return socket;
}

}  // namespace ws_detail

struct HttpReply {
  int status = 0;
  std::string body;
};

// One plain HTTP request; `upgrade` adds WebSocket handshake headers, to see
// how the server answers an upgrade it refuses.
inline HttpReply http_get(std::uint16_t port, const std::string& target, bool upgrade = false,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(ws_detail::connect(io, port));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (upgrade) {
    request.set(http::field::upgrade, "websocket");
    request.set(http::field::connection, "Upgrade");
    request.set(http::field::sec_websocket_version, "13");
    request.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  }
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  bool done = false;
  boost::beast::error_code error;
  http::async_read(stream, buffer, response, [&](boost::beast::error_code e, std::size_t) {
    error = e;
    done = true;
  });
  if (!ws_detail::run_until(io, done, timeout, [&] { stream.cancel(); }) || error) {
    throw std::runtime_error("no HTTP response for " + target);
  }
  return {static_cast<int>(response.result_int()), response.body()};
}

class WsClient {
 public:
  struct Closed {
    std::uint16_t code = 0;
    std::string reason;
  };

  // Connects to ws://127.0.0.1:PORT`target` (from `source`, when given) and
  // upgrades; throws when refused.
  WsClient(std::uint16_t port, const std::string& target, const Headers& headers = {},
           const std::string& source = "")
      : ws_(ws_detail::connect(io_, port, source)) {
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [headers](boost::beast::websocket::request_type& request) {
          for (const auto& [name, value] : headers) request.set(name, value);
        }));
    ws_.read_message_max(0);  // tests look at whatever the server sends
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }

  // False when the connection is gone (the server may close it first).
  bool send_text(const std::string& text,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ws_.text(true);
    return write(text, timeout);
  }
  bool send_binary(const std::string& bytes,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ws_.binary(true);
    return write(bytes, timeout);
  }

  // The next text message; nullopt once the server closed (see closed()).
  // Throws on timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (closed_) return std::nullopt;
    boost::beast::flat_buffer buffer;
    bool done = false;
    boost::beast::error_code error;
    ws_.async_read(buffer, [&](boost::beast::error_code e, std::size_t) {
      error = e;
      done = true;
    });
    if (!ws_detail::run_until(io_, done, timeout,
                              [&] { boost::beast::get_lowest_layer(ws_).cancel(); })) {
      throw std::runtime_error("no message from the server in time");
    }
    if (error) {
      closed_ = Closed{ws_.reason().code, std::string(ws_.reason().reason.c_str())};
      return std::nullopt;
    }
    return boost::beast::buffers_to_string(buffer.data());
  }

  // The next message as JSON; throws when the connection closed instead.
  nlohmann::json receive_json(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto text = receive(timeout);
    if (!text) throw std::runtime_error("the server closed the connection");
    return nlohmann::json::parse(*text);
  }

  // Reads until the server closes; returns the last message before the close.
  std::optional<nlohmann::json> last_message_before_close(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::optional<nlohmann::json> last;
    while (auto text = receive(timeout)) last = nlohmann::json::parse(*text, nullptr, false);
    return last;
  }

  const std::optional<Closed>& closed() const { return closed_; }

  void close() {
    bool done = false;
    ws_.async_close(boost::beast::websocket::close_code::normal,
                    [&](boost::beast::error_code) { done = true; });
    ws_detail::run_until(io_, done, std::chrono::seconds(5),
                         [&] { boost::beast::get_lowest_layer(ws_).close(); });
  }

 private:
  bool write(const std::string& data, std::chrono::milliseconds timeout) {
    bool done = false;
    boost::beast::error_code error;
    ws_.async_write(boost::asio::buffer(data), [&](boost::beast::error_code e, std::size_t) {
      error = e;
      done = true;
    });
    bool finished = ws_detail::run_until(io_, done, timeout,
                                         [&] { boost::beast::get_lowest_layer(ws_).cancel(); });
    return finished && !error;
  }

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::optional<Closed> closed_;
};

}  // namespace rtcengine::test
