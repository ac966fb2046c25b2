#include "session.hpp"

namespace rtcengine::cli {

std::shared_ptr<Signaler> make_signaler(const GlobalOptions& options) {
  const std::string local_prefix = "local:";
  if (options.signal.rfind(local_prefix, 0) == 0) {
    auto channel = options.signal.substr(local_prefix.size());
    if (channel.empty()) throw InvalidOptionError("--signal local:NAME needs a NAME");
    return std::make_shared<LocalSignaler>(channel);
  }
  if (options.signal.rfind("ws://", 0) == 0 || options.signal.rfind("wss://", 0) == 0) {
    return std::make_shared<WebSocketSignaler>(options.signal);
  }
  throw InvalidOptionError("--signal \"" + options.signal +
                           "\" is not understood; use local:NAME or ws://HOST:PORT/ROOM");
}

EnginePtr make_engine(const GlobalOptions& options) {
  EngineOptions engine_options;
  for (const auto& server : options.ice_servers) {
    engine_options.ice_servers.push_back(parse_ice_server(server));
  }
  engine_options.ice_policy = parse_ice_policy(options.ice_policy);
  engine_options.network_interfaces = options.interfaces;
  if (options.verbose) engine_options.log_level = LogLevel::info;
  return Engine::create(make_signaler(options), engine_options);
}

}  // namespace rtcengine::cli
