// The whole server on one io_context and one thread: accepts connections,
// hands them to HTTP sessions, closes idle rooms, and shuts down gracefully
// on SIGTERM/SIGINT.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "hub.hpp"
#include "server_options.hpp"

namespace rtcengine::signal_server {

class Server {
 public:
  // Binds and loads the TLS files; throws std::runtime_error saying what
  // failed and what to check.
  explicit Server(ServerOptions options);

  // "ws://127.0.0.1:8787" (the port the kernel picked when --port 0).
  std::string url() const;
  // Serves until SIGTERM/SIGINT, then returns after at most ~2 s.
  void run();

 private:
  void fit_connections_to_open_file_limit();
  void accept_next();
  void on_accept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
  void refuse(boost::asio::ip::tcp::socket socket, ConnectionLimits::Verdict verdict);
  void log_refusals();
  void sweep_idle_rooms();
  void shut_down();
  void wait_for_members_to_leave();

  ServerOptions options_;
  // Declared before io_ so it outlives the sessions the io_context destroys.
  Hub hub_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer accept_retry_timer_;
  boost::asio::steady_timer shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  // Connections refused since the last "refused" log line.
  struct Refused {
    std::size_t server_full = 0;
    std::size_t address_full = 0;
  } refused_;
};

}  // namespace rtcengine::signal_server
