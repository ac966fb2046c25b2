// Everything the operator can set on the command line, with the defaults
// docs/signal-server.md promises.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtcengine::signal_server {

struct ServerOptions {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8787;  // 0: the kernel picks one, printed on start
  std::string tls_cert;       // both set: wss:// and https://
  std::string tls_key;
  std::string token;  // non-empty: clients must present it
  std::size_t max_message_bytes = 65536;
  double max_messages_per_second = 50;
  double message_burst = 100;
  std::size_t max_rooms = 10000;
  // Open connections from accept on, WebSocket or not (lowered to what the
  // open file limit allows), and per source address (IPv6: per /64).
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_address = 64;
  unsigned idle_room_seconds = 600;
  std::size_t max_queued_bytes = 1 << 20;
  bool quiet = false;

  bool tls() const { return !tls_cert.empty(); }
};

}  // namespace rtcengine::signal_server
