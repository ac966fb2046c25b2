#include "engine_setup.hpp"

#include <stdexcept>

namespace rtcengine::cli {

std::shared_ptr<Signaler> make_signaler(const GlobalOptions& options) {
  const std::string local_prefix = "local:";
  if (options.signal.rfind(local_prefix, 0) == 0) {
    auto channel = options.signal.substr(local_prefix.size());
    if (channel.empty()) throw InvalidOptionError("--signal local:NAME needs a NAME");
    return std::make_shared<LocalSignaler>(channel);
  }
  if (options.signal.rfind("ws://", 0) == 0 || options.signal.rfind("wss://", 0) == 0) {
    WebSocketSignalerOptions websocket;
    websocket.url = options.signal;
    websocket.token = options.signal_token;
    websocket.ca_file = options.signal_ca;
    return std::make_shared<WebSocketSignaler>(websocket);
  }
  throw InvalidOptionError("--signal \"" + options.signal +
                           "\" is not understood; use local:NAME or ws://HOST:PORT/ROOM");
}

EnginePtr make_engine(const GlobalOptions& options) {
  EngineOptions engine_options;
  engine_options.shared_secret = options.secret;
  for (const auto& server : options.ice_servers) {
    engine_options.ice_servers.push_back(parse_ice_server(server));
  }
  engine_options.ice_policy = parse_ice_policy(options.ice_policy);
  if (options.sctp_packet_size) engine_options.sctp_packet_size = options.sctp_packet_size;
  engine_options.network_interfaces = options.interfaces;
  // LocalSignaler turns it on by itself; this is for ws:// on one machine.
  engine_options.allow_loopback = options.allow_loopback;
  if (options.verbose) engine_options.log_level = LogLevel::info;
  return Engine::create(make_signaler(options), engine_options);
}

namespace {
std::string describe_candidate(const CandidateInfo& candidate) {
  return candidate.type + " " + candidate.protocol + " " + candidate.address + ":" +
         std::to_string(candidate.port);
}
}  // namespace

std::string describe_path(Engine& engine) {
  auto stats = engine.stats();
  if (stats.wait_for(std::chrono::seconds(2)) != std::future_status::ready) return "";
  try {
    auto numbers = stats.get();
    if (!numbers.local_candidate || !numbers.remote_candidate) return "";
    return "path: " + describe_candidate(*numbers.local_candidate) + " <-> " +
           describe_candidate(*numbers.remote_candidate);
  } catch (const std::exception&) {
    return "";  // closed meanwhile: the path is only informative
  }
}

}  // namespace rtcengine::cli
