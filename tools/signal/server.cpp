#include "server.hpp"

#include <boost/asio/ip/address.hpp>
#include <csignal>
#include <stdexcept>

#include "descriptor_limit.hpp"
#include "http_session.hpp"
#include "refusal.hpp"

namespace rtcengine::signal_server {

namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

// Shutdown must end within 2 s: clients get this long to answer our close.
constexpr auto shutdown_grace = 1500ms;
// Accept errors such as EMFILE repeat at once; pause instead of spinning.
constexpr auto accept_retry_delay = 100ms;

ssl::context load_tls(const ServerOptions& options) {
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code error;
  context.use_certificate_chain_file(options.tls_cert, error);
  if (error) {
    throw std::runtime_error("cannot load --tls-cert " + options.tls_cert + ": " + error.message() +
                             " (a PEM certificate chain is expected)");
  }
  context.use_private_key_file(options.tls_key, ssl::context::pem, error);
  if (error) {
    throw std::runtime_error("cannot load --tls-key " + options.tls_key + ": " + error.message() +
                             " (a PEM private key matching the certificate is expected)");
  }
  return context;
}

tcp::endpoint listen_endpoint(const ServerOptions& options) {
  beast::error_code error;
  auto address = boost::asio::ip::make_address(options.listen, error);
  if (error) {
    throw std::runtime_error("--listen " + options.listen +
                             " is not an IP address (use e.g. 127.0.0.1, 0.0.0.0 or ::)");
  }
  return {address, options.port};
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      hub_(options_),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM),
      sweep_timer_(io_),
      accept_retry_timer_(io_),
      shutdown_timer_(io_) {
  fit_connections_to_open_file_limit();
  if (options_.tls()) tls_.emplace(load_tls(options_));
  auto endpoint = listen_endpoint(options_);
  try {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error("cannot listen on " + options_.listen + ":" +
                             std::to_string(options_.port) + ": " + error.code().message());
  }
}

void Server::fit_connections_to_open_file_limit() {
  std::size_t fit = connections_that_fit_in_open_file_limit();
  if (options_.max_connections <= fit) return;
  hub_.log.write("limit", {{"max_connections", fit},
                           {"asked", options_.max_connections},
                           {"why", "the open file limit (ulimit -n) leaves room for no more"}});
  options_.max_connections = fit;
}

std::string Server::url() const {
  auto endpoint = acceptor_.local_endpoint();
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return std::string(options_.tls() ? "wss://" : "ws://") + host + ":" +
         std::to_string(endpoint.port());
}

void Server::run() {
  // Asio writes with MSG_NOSIGNAL, but OpenSSL may not: a vanished TLS client
  // must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  signals_.async_wait([this](beast::error_code error, int) {
    if (!error) shut_down();
  });
  accept_next();
  sweep_idle_rooms();
  // A handler that throws (out of memory, say) costs its own connection,
  // not the server: report it and keep serving the others.
  while (true) {
    try {
      io_.run();
      return;
    } catch (const std::exception& error) {
      hub_.log.write("internal-error", {{"message", error.what()}});
    }
  }
}

void Server::accept_next() {
  acceptor_.async_accept(io_, [this](beast::error_code error, tcp::socket socket) {
    on_accept(error, std::move(socket));
  });
}

void Server::on_accept(beast::error_code error, tcp::socket socket) {
  if (hub_.shutting_down) return;
  if (error) {
    hub_.log.write("accept-error", {{"message", error.message()}});
    accept_retry_timer_.expires_after(accept_retry_delay);
    accept_retry_timer_.async_wait([this](beast::error_code cancelled) {
      if (!cancelled) accept_next();
    });
    return;
  }
  accept_next();
  auto remote = socket.remote_endpoint(error);
  if (error) return;  // already gone
  ConnectionSlot slot;
  auto verdict = hub_.limits.admit(remote.address(), slot);
  if (verdict != ConnectionLimits::Verdict::admitted) return refuse(std::move(socket), verdict);
  // Signaling messages are small and latency matters more than batching.
  socket.set_option(tcp::no_delay(true), error);
  if (tls_) {
    std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_), hub_,
                                             std::move(slot))
        ->start();
  } else {
    std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), hub_,
                                               std::move(slot))
        ->start();
  }
}

void Server::refuse(tcp::socket socket, ConnectionLimits::Verdict verdict) {
  bool server_full = verdict == ConnectionLimits::Verdict::server_full;
  ++(server_full ? refused_.server_full : refused_.address_full);
  if (tls_) return;  // no answer without a handshake; closing is all we can do
  refuse_with_503(socket, server_full
                              ? "the server has too many connections; try again later"
                              : "too many connections from your address; close some and try again");
}

void Server::log_refusals() {
  if (refused_.server_full == 0 && refused_.address_full == 0) return;
  hub_.log.write("refused", {{"server_full", refused_.server_full},
                             {"address_full", refused_.address_full},
                             {"connections", hub_.limits.open()}});
  refused_ = {};
}

void Server::sweep_idle_rooms() {
  // Re-armed first, so that nothing below can stop the sweeps.
  // Checking once a second is precise enough for a limit counted in seconds.
  sweep_timer_.expires_after(1s);
  sweep_timer_.async_wait([this](beast::error_code cancelled) {
    if (!cancelled) sweep_idle_rooms();
  });
  log_refusals();  // once a second at most, however fast connections are refused
  auto idle = std::chrono::seconds(options_.idle_room_seconds);
  for (Member* member :
       hub_.rooms.members_of_rooms_idle_since(std::chrono::steady_clock::now() - idle)) {
    member->fail(RoomError::idle, "no message was relayed in this room for " +
                                      std::to_string(options_.idle_room_seconds) + " s");
  }
}

void Server::shut_down() {
  hub_.shutting_down = true;
  hub_.log.write("shutdown", {{"connections", hub_.connections()}});
  beast::error_code ignored;
  acceptor_.close(ignored);
  sweep_timer_.cancel();
  accept_retry_timer_.cancel();
  for (Member* member : hub_.members()) {
    member->fail(RoomError::shutting_down, "the server is shutting down; reconnect later");
  }
  shutdown_deadline_ = std::chrono::steady_clock::now() + shutdown_grace;
  wait_for_members_to_leave();
}

void Server::wait_for_members_to_leave() {
  if (hub_.connections() == 0 || std::chrono::steady_clock::now() >= shutdown_deadline_) {
    io_.stop();  // abandons connections still in their HTTP phase, too
    return;
  }
  shutdown_timer_.expires_after(20ms);
  shutdown_timer_.async_wait([this](beast::error_code) { wait_for_members_to_leave(); });
}

}  // namespace rtcengine::signal_server
