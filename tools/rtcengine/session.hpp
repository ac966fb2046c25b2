// What every subcommand shares: the global options, and the engine built
// from them (signaler, ICE servers, interfaces, log level).
#pragma once

#include <string>
#include <vector>

#include <rtcengine/rtcengine.hpp>

namespace rtcengine::cli {

struct GlobalOptions {
  std::string signal = "local:rtcengine";  // local:NAME
  std::vector<std::string> ice_servers;    // turn:user:pass@host:port, stun:host:port
  std::string ice_policy = "all";
  std::vector<std::string> interfaces;     // gather only on these
  bool verbose = false;
};

// Builds the signaler named by --signal; throws InvalidOptionError.
std::shared_ptr<Signaler> make_signaler(const GlobalOptions& options);
EnginePtr make_engine(const GlobalOptions& options);

}  // namespace rtcengine::cli
