// rtcengine-signal: the signaling server for WebSocketSignaler. Two clients
// that connect to ws://HOST:PORT/ROOM see each other's messages; see
// docs/signal-server.md for the protocol and the limits.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "server.hpp"

using rtcengine::signal_server::Server;
using rtcengine::signal_server::ServerOptions;

int main(int argc, char** argv) {
  CLI::App app{"rtcengine-signal: pairs WebRTC peers in rooms and relays their signaling messages"};
  ServerOptions options;
  app.add_option("--listen", options.listen, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "port; 0 picks a free one (printed on start)")
      ->capture_default_str();
  app.add_option("--tls-cert", options.tls_cert, "PEM certificate chain: serve wss:// and https://")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.tls_key, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--token", options.token,
                 "clients must send ?token=TOKEN or Authorization: Bearer TOKEN");
  app.add_option("--max-message-bytes", options.max_message_bytes, "largest message relayed")
      ->capture_default_str()
      ->check(CLI::Range(1, 64 << 20));
  app.add_option("--max-messages-per-second", options.max_messages_per_second,
                 "sustained messages a second per connection")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--message-burst", options.message_burst,
                 "messages a connection may send at once before the rate applies")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--max-rooms", options.max_rooms, "rooms at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-connections", options.max_connections,
                 "open connections at once, counted from accept (lowered to fit ulimit -n)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-connections-per-address", options.max_connections_per_address,
                 "open connections at once from one IPv4 address or IPv6 /64")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-room-seconds", options.idle_room_seconds,
                 "close a room when nothing was relayed in it for this long")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-queued-bytes", options.max_queued_bytes,
                 "bytes waiting to be sent to one client before it counts as too slow")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--quiet", options.quiet, "no JSON log lines on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    std::cerr << "rtcengine-signal: --tls-cert and --tls-key go together\n";
    return 2;
  }

  try {
    Server server(options);
    // Tests and scripts wait for this exact line.
    std::cout << "listening on " << server.url() << std::endl;
    server.run();
  } catch (const std::exception& error) {
    std::cerr << "rtcengine-signal: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
