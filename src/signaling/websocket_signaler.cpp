// WebSocketSignaler: one WebSocket to an rtcengine-signal room, on the I/O
// thread every signaler of the process shares. Server control messages have
// type "room"; everything else is the peer's signaling, routed by type.
#include "rtcengine/websocket_signaler.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <future>
#include <mutex>
#include <optional>

#include "signaling/io_thread.hpp"
#include "signaling/server_refusal.hpp"
#include "signaling/websocket_endpoint.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Tcp = asio::ip::tcp;
using PlainStream = websocket::stream<beast::tcp_stream>;
using TlsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

struct WebSocketSignaler::Impl : std::enable_shared_from_this<Impl> {
  WebSocketSignalerOptions options;
  detail::WebSocketEndpoint url;
  asio::io_context& io = detail::io_thread_context();
  Tcp::resolver resolver{io};
  asio::steady_timer retry_timer{io};
  std::optional<asio::ssl::context> tls_context;
  std::unique_ptr<PlainStream> plain;
  std::unique_ptr<TlsStream> secure;
  websocket::response_type handshake_response;  // read when the server declines the upgrade
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;  // io thread only
  bool writing = false;
  std::chrono::milliseconds delay{0};
  std::uint64_t attempt = 0;  // tells callbacks of an old connection apart
  // Each distinct failure is reported once per outage, not on every retry.
  std::string last_reported_failure;
  // The server said why it closes (a room error): its close is no news.
  bool expecting_close = false;
  // Any message relayed from a peer since we started.
  bool heard_from_peer = false;
  std::optional<detail::ServerRefusalJudge> judge;

  mutable std::mutex mutex;  // guards the fields below
  WebSocketSignaler* owner = nullptr;
  bool closed = false;
  bool connected = false;
  bool peer_present = false;

  // Closes the current connection. The stream itself lives on for a while:
  // a TLS stream's pending operations still touch it while they complete
  // with operation_aborted, so destroying it at once is a use after free.
  void retire_stream() {
    std::shared_ptr<void> old;
    with_stream([&](auto& stream) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().shutdown(Tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(stream).close();
    });
    if (secure) old = std::shared_ptr<TlsStream>(std::move(secure));
    if (plain) old = std::shared_ptr<PlainStream>(std::move(plain));
    if (!old) return;
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::seconds(1));
    timer->async_wait([timer, old](beast::error_code) {});
  }

  template <typename Action>
  void with_stream(Action action) {
    if (secure) {
      action(*secure);
    } else if (plain) {
      action(*plain);
    }
  }

  // ---- io thread ----
  void connect() {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
    }
    try {
      open_stream();
    } catch (const std::exception& error) {
      // Thrown on the shared I/O thread it would end the process.
      retry(std::string("cannot open a connection: ") + error.what());
    }
  }

  void open_stream() {
    ++attempt;
    buffer.clear();
    outbox.clear();
    writing = false;
    retire_stream();
    if (url.tls) {
      secure = std::make_unique<TlsStream>(io, *tls_context);
    } else {
      plain = std::make_unique<PlainStream>(io);
    }
    auto self = shared_from_this();
    auto current = attempt;
    resolver.async_resolve(
        url.host, url.port,
        [self, current](beast::error_code error, Tcp::resolver::results_type results) {
          if (current != self->attempt) return;
          if (error)
            return self->retry("cannot resolve " + self->url.host + ": " + error.message());
          self->with_stream([&](auto& stream) {
            auto& layer = beast::get_lowest_layer(stream);
            layer.expires_after(std::chrono::seconds(10));
            layer.async_connect(
                results, [self, current](beast::error_code connect_error, const Tcp::endpoint&) {
                  if (current != self->attempt) return;
                  if (connect_error)
                    return self->retry("cannot connect: " + connect_error.message());
                  self->after_tcp();
                });
          });
        });
  }

  void after_tcp() {
    auto self = shared_from_this();
    auto current = attempt;
    if (secure) {
      if (!SSL_set_tlsext_host_name(secure->next_layer().native_handle(), url.host.c_str())) {
        return retry("cannot set the TLS server name");
      }
      secure->next_layer().set_verify_callback(asio::ssl::host_name_verification(url.host));
      secure->next_layer().async_handshake(
          asio::ssl::stream_base::client, [self, current](beast::error_code error) {
            if (current != self->attempt) return;
            if (error) return self->retry("TLS handshake failed: " + error.message());
            self->upgrade();
          });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    auto self = shared_from_this();
    auto current = attempt;
    with_stream([&](auto& stream) {
      beast::get_lowest_layer(stream).expires_never();
      stream.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      stream.read_message_max(Signaler::kMaxMessageBytes);
      std::string token = options.token;
      stream.set_option(
          websocket::stream_base::decorator([token](websocket::request_type& request) {
            request.set(beast::http::field::user_agent, "rtcengine");
            if (!token.empty()) request.set(beast::http::field::authorization, "Bearer " + token);
          }));
      std::string host = url.host + ":" + url.port;
      handshake_response = {};
      stream.async_handshake(
          handshake_response, host, url.target, [self, current](beast::error_code error) {
            if (current != self->attempt) return;
            if (error == websocket::error::upgrade_declined) return self->on_upgrade_declined();
            if (error) return self->retry("WebSocket handshake failed: " + error.message());
            self->on_open();
          });
    });
  }

  void on_upgrade_declined() {
    auto refusal =
        judge->on_http_refusal(handshake_response.result_int(), handshake_response.body());
    if (refusal.final) return give_up(refusal.message);
    retry(refusal.message);
  }

  void on_open() {
    RTCENGINE_LOG(info, "websocket signaler: connected to " << options.url);
    expecting_close = false;
    {
      std::lock_guard lock(mutex);
      connected = true;
    }
    read_next();
  }

  void read_next() {
    auto self = shared_from_this();
    auto current = attempt;
    with_stream([&](auto& stream) {
      stream.async_read(buffer, [self, current](beast::error_code error, std::size_t) {
        if (current != self->attempt) return;
        if (error) return self->retry("connection to the server lost: " + error.message());
        std::string text = beast::buffers_to_string(self->buffer.data());
        self->buffer.consume(self->buffer.size());
        try {
          self->on_text(text);
        } catch (const std::exception& failure) {
          // A handler that throws must not end the shared I/O thread.
          self->report(Error(std::string("WebSocketSignaler: a message could not be handled: ") +
                             failure.what()));
        }
        if (self->closed_now()) return;
        self->read_next();
      });
    });
  }

  bool closed_now() {
    std::lock_guard lock(mutex);
    return closed;
  }

  void on_text(const std::string& text) {
    Json message = Json::parse(text, nullptr, false);
    if (detail::string_field(message, "type") == "room") {
      on_room_event(message);
      return;
    }
    heard_from_peer = true;
    std::lock_guard lock(mutex);
    if (owner) owner->receive_text(text);
  }

  void on_room_event(const Json& message) {
    std::string event = detail::string_field(message, "event");
    if (event == "welcome") {
      // In the room: the outage is over (a refused join keeps backing off).
      judge->on_joined();
      delay = std::chrono::milliseconds(0);
      last_reported_failure.clear();
      set_peer_present(detail::bool_field(message, "peer_present"));
    } else if (event == "peer-joined") {
      set_peer_present(true);
    } else if (event == "peer-left") {
      set_peer_present(false);
    } else if (event == "join-refused") {
      auto refusal = judge->on_join_refused(detail::string_field(message, "code"), heard_from_peer);
      if (refusal && refusal->final) return give_up(refusal->message);
      if (refusal) report(Error(refusal->message));
    } else if (event == "error") {
      on_room_error(detail::string_field(message, "code"),
                    detail::string_field(message, "message"));
    }
  }

  void on_room_error(const std::string& code, const std::string& text) {
    if (code == "no-peer") return set_peer_present(false);
    expecting_close = true;  // every other error is followed by the server's close
    auto refusal = judge->on_room_error(code.empty() ? "unknown" : code, text);
    if (refusal.final) return give_up(refusal.message);
    if (refusal.message != last_reported_failure) {
      last_reported_failure = refusal.message;
      report(Error(refusal.message));
    }
  }

  // A final refusal: report it as SignalingError (the engine closes) and
  // never connect again.
  void give_up(const std::string& message) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      closed = true;
      connected = false;
      peer_present = false;
      if (owner) owner->set_ready(false);
    }
    RTCENGINE_LOG(warning, "websocket signaler: " << message);
    report(SignalingError(message));
    shut_down();
  }

  void set_peer_present(bool present) {
    std::lock_guard lock(mutex);
    peer_present = present;
    if (owner) owner->set_ready(connected && peer_present);
  }

  void retry(const std::string& why) {
    ++attempt;  // callbacks of this connection are stale now
    retire_stream();
    bool stop;
    {
      std::lock_guard lock(mutex);
      bool was_connected = connected;
      connected = false;
      peer_present = false;
      if (owner) owner->set_ready(false);
      stop = closed;
      if (was_connected || delay.count() == 0) {
        RTCENGINE_LOG(info, "websocket signaler: " << why);
      }
    }
    if (stop) return;
    if (std::exchange(expecting_close, false)) {
      // The room error before this close was reported already.
    } else if (why != last_reported_failure) {
      last_reported_failure = why;
      report(Error("signaling server " + url.host + ":" + url.port + ": " + why + " (retrying)"));
    }
    delay =
        delay.count() == 0 ? options.reconnect_initial : std::min(delay * 2, options.reconnect_max);
    auto self = shared_from_this();
    retry_timer.expires_after(delay);
    retry_timer.async_wait([self](beast::error_code error) {
      if (!error) self->connect();
    });
  }

  void write(std::string text) {
    outbox.push_back(std::move(text));
    if (!writing) write_next();
  }

  void write_next() {
    if (outbox.empty() || (!plain && !secure)) {
      writing = false;
      return;
    }
    writing = true;
    auto self = shared_from_this();
    auto current = attempt;
    with_stream([&](auto& stream) {
      stream.text(true);
      stream.async_write(asio::buffer(outbox.front()),
                         [self, current](beast::error_code error, std::size_t) {
                           if (current != self->attempt) return;
                           if (error)
                             return self->retry("sending to the server failed: " + error.message());
                           self->outbox.pop_front();
                           self->write_next();
                         });
    });
  }

  void report(const Error& error) {
    std::lock_guard lock(mutex);
    if (!owner) return;
    try {
      owner->report_error(error);
    } catch (const std::exception& thrown) {
      // The user's error handler threw, on the shared I/O thread.
      RTCENGINE_LOG(error, "websocket signaler: an error handler threw: "
                               << thrown.what() << " (reporting: " << error.what() << ")");
    }
  }

  void shut_down() {
    ++attempt;
    retry_timer.cancel();
    resolver.cancel();
    retire_stream();
  }
};

namespace {

WebSocketSignalerOptions options_for(std::string url) {
  WebSocketSignalerOptions options;
  options.url = std::move(url);
  return options;
}
}  // namespace

WebSocketSignaler::WebSocketSignaler(std::string url)
    : WebSocketSignaler(options_for(std::move(url))) {}

WebSocketSignaler::WebSocketSignaler(WebSocketSignalerOptions options)
    : impl_(std::make_shared<Impl>()) {
  if (options.reconnect_initial.count() <= 0 || options.reconnect_max < options.reconnect_initial) {
    throw InvalidOptionError(
        "WebSocketSignaler reconnect_initial/reconnect_max: need 0 < initial <= max");
  }
  if (options.room_full_timeout.count() <= 0) {
    throw InvalidOptionError("WebSocketSignaler room_full_timeout: must be positive");
  }
  impl_->url = detail::WebSocketEndpoint::parse(options.url);
  if (impl_->url.tls) impl_->tls_context.emplace(detail::tls_client_context(options));
  impl_->judge.emplace(impl_->url.host + ":" + impl_->url.port, impl_->url.room,
                       options.room_full_timeout);
  impl_->options = std::move(options);
  impl_->owner = this;
  auto impl = impl_;
  asio::post(impl->io, [impl] { impl->connect(); });
}

WebSocketSignaler::~WebSocketSignaler() {
  // close() runs the ready listeners; none of their exceptions may leave a destructor.
  try {
    close();
  } catch (const std::exception& error) {
    RTCENGINE_LOG(error, "WebSocket signaler: closing failed: " << error.what());
  } catch (...) {
    RTCENGINE_LOG(error, "WebSocket signaler: closing failed");
  }
}

void WebSocketSignaler::send(const Json& message) {
  std::string text = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) throw ClosedError("WebSocketSignaler is closed");
    if (!impl_->connected)
      throw Error("WebSocketSignaler: not connected to the server; wait until ready()");
  }
  if (text.size() > kMaxMessageBytes) {
    throw Error("WebSocketSignaler: a message of " + std::to_string(text.size()) +
                " bytes is over the limit of " + std::to_string(kMaxMessageBytes) + " bytes");
  }
  auto impl = impl_;
  asio::post(impl->io, [impl, text = std::move(text)]() mutable { impl->write(std::move(text)); });
}

void WebSocketSignaler::close() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed && !impl_->owner) return;
    impl_->closed = true;
    impl_->owner = nullptr;
  }
  set_ready(false);
  auto impl = impl_;
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(impl->io, [impl, done] {
    impl->shut_down();
    done->set_value();
  });
  if (impl->io.get_executor().running_in_this_thread()) return;
  finished.wait_for(std::chrono::seconds(5));
}

bool WebSocketSignaler::connected_to_server() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connected;
}

}  // namespace rtcengine
