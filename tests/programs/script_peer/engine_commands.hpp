// Commands about the engine: create one on a WebSocketSignaler, wait for a
// state, ask its role, close it.
#pragma once

#include <thread>

#include "command.hpp"
#include "peer.hpp"

namespace script_peer {

inline void install_engine_handlers(Peer& peer, const EnginePtr& engine, std::uint64_t generation) {
  engine->on_state_change([generation](ConnectionState state) {
    emit("state", {{"state", std::string(to_string(state))}, {"engine", generation}});
  });
  engine->on_error([generation](const Error& error) {
    auto fields = error_fields(error);
    fields["engine"] = generation;
    emit("engine-error", fields);
  });
  engine->on_socket([&peer, generation](SocketPtr socket) {
    auto key = "in:" + socket->label();
    adopt_socket(peer, socket, generation, key);
    emit("incoming-socket", {{"label", key}, {"channel", socket->label()}, {"engine", generation}});
  });
  engine->on_readable([&peer, generation](ReadablePtr reader) {
    std::string key;
    {
      std::lock_guard lock(peer.mutex);
      key = "in-" + std::to_string(peer.incoming_readables++);
    }
    adopt_reader(peer, key, reader);
    emit("incoming-readable",
         {{"key", key}, {"metadata", reader->metadata()}, {"engine", generation}});
  });
}

// {"cmd":"engine","url":"ws://...","role":"automatic|polite|impolite"}
inline Json create_engine(Peer& peer, const Command& command) {
  EngineOptions options;
  options.allow_loopback = true;
  options.network_interfaces = {"lo"};
  options.role = parse_role(command.text_or("role", "automatic"));
  if (command.has("log_level")) options.log_level = parse_log_level(command.text("log_level"));
  auto signaler = std::make_shared<WebSocketSignaler>(command.text("url"));
  auto engine = Engine::create(signaler, options);
  EnginePtr previous;
  std::uint64_t generation;
  {
    std::lock_guard lock(peer.mutex);
    previous = std::move(peer.engine);
    peer.engine = engine;
    peer.signaler = signaler;
    generation = ++peer.generation;
    peer.sockets.clear();
    peer.writers.clear();
    peer.readers.clear();
  }
  install_engine_handlers(peer, engine, generation);
  // The old engine's destructor waits for its close; not on this thread.
  if (previous)
    std::thread([previous = std::move(previous)]() mutable { previous.reset(); }).detach();
  return {{"engine", generation}};
}

inline Json engine_info(Peer& peer) {
  auto engine = peer.current_engine();
  auto role = engine->role();
  return {{"role", role ? Json(std::string(to_string(*role))) : Json()},
          {"state", std::string(to_string(engine->state()))},
          {"peer_generation", engine->peer_generation()}};
}

// Whether the signaler is in its room on the server (the peer may be absent).
inline Json signaler_info(Peer& peer) {
  std::lock_guard lock(peer.mutex);
  if (!peer.signaler) throw std::invalid_argument("no engine: send {\"cmd\":\"engine\"} first");
  return {{"connected_to_server", peer.signaler->connected_to_server()}};
}

// {"cmd":"wait_state","state":"connected","timeout_ms":N}
inline Json wait_state(Peer& peer, const Command& command) {
  auto engine = peer.current_engine();
  auto wanted = command.text("state");
  for (auto state :
       {ConnectionState::inactive, ConnectionState::connecting, ConnectionState::connected,
        ConnectionState::disconnected, ConnectionState::failed, ConnectionState::closed}) {
    if (wanted != to_string(state)) continue;
    if (engine->wait_for(state, command.timeout())) return {{"state", wanted}};
    throw TimeoutError("engine did not reach " + wanted + " in time; it is " +
                       std::string(to_string(engine->state())));
  }
  throw std::invalid_argument("unknown state " + wanted);
}

inline Json close_engine(Peer& peer) {
  auto engine = peer.current_engine();
  engine->close();
  (void)engine->wait_for(ConnectionState::closed, std::chrono::seconds(10));  // state says
  return {{"state", std::string(to_string(engine->state()))}};
}

}  // namespace script_peer
