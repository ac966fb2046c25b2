// A C++ peer the browser conformance suite (tests/browser/) drives through
// stdin: one JSON command per line in, one JSON reply or event per line out
// (see script_peer/command.hpp). It uses only RTCEngine's public API, on a
// WebSocketSignaler, so the browser meets the library as any user's program.
//
//   {"id":1,"cmd":"engine","url":"ws://127.0.0.1:P/room","role":"automatic"}
//   {"reply":1,"ok":true,"engine":1}
//   {"event":"state","state":"connected","engine":1}
#include <unistd.h>

#include <functional>
#include <iostream>
#include <map>
#include <string>

#include "script_peer/command.hpp"
#include "script_peer/engine_commands.hpp"
#include "script_peer/peer.hpp"
#include "script_peer/socket_commands.hpp"
#include "script_peer/transaction_commands.hpp"

using namespace script_peer;

namespace {

using Handler = std::function<Json(Peer&, const Command&)>;

struct Entry {
  Handler handler;
  bool waits;  // runs on its own thread
};

const std::map<std::string, Entry>& commands() {
  static const std::map<std::string, Entry> table = {
      {"engine", {create_engine, false}},
      {"info", {[](Peer& peer, const Command&) { return engine_info(peer); }, false}},
      {"signaler", {[](Peer& peer, const Command&) { return signaler_info(peer); }, false}},
      {"wait_state", {wait_state, true}},
      {"close_engine", {[](Peer& peer, const Command&) { return close_engine(peer); }, true}},
      {"socket", {open_socket, true}},
      {"listen_events", {listen_events, false}},
      {"write", {write_message, false}},
      {"write_binary", {write_message, false}},
      {"write_event", {write_event, false}},
      {"stream", {stream_bytes, true}},
      {"close_socket", {close_socket, false}},
      {"socket_summary", {socket_summary, false}},
      {"writable", {open_writer, true}},
      {"writer_send", {writer_send, true}},
      {"writer_wait", {writer_wait, true}},
      {"writer_control", {writer_control, false}},
      {"writer_info", {writer_info, false}},
      {"readable", {open_reader, true}},
      {"read", {start_reading, false}},
      {"reader_wait", {reader_wait, true}},
      {"reader_control", {reader_control, false}},
      {"reader_info", {reader_info, false}},
  };
  return table;
}

void run(Peer& peer, const std::string& line) {
  Command command;
  try {
    command.json = Json::parse(line);
  } catch (const std::exception& error) {
    answer(Json(), [&]() -> Json {
      throw std::invalid_argument(std::string("not JSON: ") + error.what());
    });
    return;
  }
  auto name = command.json.value("cmd", std::string());
  auto found = commands().find(name);
  if (found == commands().end()) {
    answer(command.id(), [&]() -> Json { throw std::invalid_argument("unknown command " + name); });
    return;
  }
  auto handler = found->second.handler;
  if (found->second.waits) {
    answer_later(command.id(), [&peer, handler, command] { return handler(peer, command); });
  } else {
    answer(command.id(), [&] { return handler(peer, command); });
  }
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  Peer peer;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "exit") break;
    if (!line.empty()) run(peer, line);
  }
  // Stdin closed: the test is done with this peer. Close like a user would,
  // then leave without waiting for detached command threads.
  EnginePtr engine;
  {
    std::lock_guard lock(peer.mutex);
    engine = peer.engine;
  }
  if (engine) {
    engine->close();
    // A bounded wait before exiting; the exit comes either way.
    (void)engine->wait_for(rtcengine::ConnectionState::closed, std::chrono::seconds(5));
  }
  emit("exit");
  std::cout.flush();
  _exit(0);
}
