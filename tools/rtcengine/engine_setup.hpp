// What every subcommand shares: the global options, and the engine built
// from them (signaler, ICE servers, interfaces, log level).
#pragma once

#include <string>
#include <vector>

#include <rtcengine/rtcengine.hpp>

namespace rtcengine::cli {

struct GlobalOptions {
  std::string signal = "local:rtcengine";  // local:NAME or ws[s]://HOST:PORT/ROOM
  std::string signal_token;                // rtcengine-signal --token
  std::string signal_ca;                   // wss:// trust anchor instead of the system's
  std::vector<std::string> ice_servers;    // turn:user:pass@host:port, stun:host:port
  std::string ice_policy = "all";
  std::size_t sctp_packet_size = 0;     // 0: the engine's default
  std::vector<std::string> interfaces;  // gather only on these
  bool verbose = false;
  bool allow_loopback = false;  // candidates on 127.0.0.1 too (a browser on this machine)
  std::string secret;           // shared secret: signaling is authenticated end to end
};

// Builds the signaler named by --signal; throws InvalidOptionError.
std::shared_ptr<Signaler> make_signaler(const GlobalOptions& options);
EnginePtr make_engine(const GlobalOptions& options);

// "path: host udp 10.0.0.1:5000 <-> relay udp 10.0.0.9:3478" for the
// candidate pair in use, so users (and tests) see whether a relay carries
// their data; empty when the stack cannot tell yet.
std::string describe_path(Engine& engine);

}  // namespace rtcengine::cli
