// What the script peer holds: the current engine and, by name, its sockets,
// writers and readers, each reporting what happens to it as events. Handlers
// run on the engine's thread; commands on the stdin thread or their own.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <rtcengine/rtcengine.hpp>

#include "output.hpp"
#include "sha256.hpp"

namespace script_peer {

using namespace rtcengine;

// A socket and a running record of what arrived on it. Its key is its label
// for sockets this side opened, "in:<label>" for the peer's unnegotiated
// sockets (each side counts those labels from 0, so both may use a label).
struct SocketEntry {
  std::string key;
  SocketPtr socket;
  std::mutex mutex;
  Sha256 binary_hash;
  std::uint64_t binary_messages = 0;
  std::uint64_t json_messages = 0;
};

struct ReaderEntry {
  ReadablePtr reader;
  std::mutex mutex;
  Sha256 hash;
};

class Peer {
 public:
  std::mutex mutex;
  EnginePtr engine;
  std::shared_ptr<WebSocketSignaler> signaler;
  std::uint64_t generation = 0;  // counts engines created; events carry it
  std::map<std::string, std::shared_ptr<SocketEntry>> sockets;
  std::map<std::string, WritablePtr> writers;
  std::map<std::string, std::shared_ptr<ReaderEntry>> readers;
  std::set<std::string> event_names;
  std::uint64_t incoming_readables = 0;

  EnginePtr current_engine() {
    std::lock_guard lock(mutex);
    if (!engine) throw std::invalid_argument("no engine: send {\"cmd\":\"engine\"} first");
    return engine;
  }

  std::shared_ptr<SocketEntry> socket_entry(const std::string& label) {
    std::lock_guard lock(mutex);
    auto found = sockets.find(label);
    if (found == sockets.end()) throw std::invalid_argument("no socket labelled " + label);
    return found->second;
  }

  SocketPtr socket(const std::string& label) { return socket_entry(label)->socket; }

  WritablePtr writer(const std::string& key) {
    std::lock_guard lock(mutex);
    auto found = writers.find(key);
    if (found == writers.end()) throw std::invalid_argument("no writer " + key);
    return found->second;
  }

  std::shared_ptr<ReaderEntry> reader_entry(const std::string& key) {
    std::lock_guard lock(mutex);
    auto found = readers.find(key);
    if (found == readers.end()) throw std::invalid_argument("no reader " + key);
    return found->second;
  }
};

inline void listen_event(SocketEntry& entry, const std::string& name, std::uint64_t generation) {
  auto label = entry.key;
  entry.socket->on_event(name, [label, name, generation](const Json& payload) {
    emit("custom",
         {{"label", label}, {"name", name}, {"payload", payload}, {"engine", generation}});
  });
}

inline void on_socket_message(SocketEntry& entry, const Message& message,
                              std::uint64_t generation) {
  const auto& label = entry.key;
  if (!message.is_binary()) {
    {
      std::lock_guard lock(entry.mutex);
      ++entry.json_messages;
    }
    emit("data", {{"label", label}, {"json", message.json()}, {"engine", generation}});
    return;
  }
  const auto& bytes = message.bytes();
  {
    std::lock_guard lock(entry.mutex);
    ++entry.binary_messages;
    entry.binary_hash.update(bytes);
  }
  Json fields = {{"label", label},
                 {"size", bytes.size()},
                 {"sha256", sha256_hex(bytes)},
                 {"engine", generation}};
  if (bytes.size() <= 4096) fields["base64"] = base64_encode(bytes);
  emit("binary", fields);
}

// Keeps the socket under `key` and reports everything that arrives on it;
// events name the socket by its key, as "label".
inline void adopt_socket(Peer& peer, const SocketPtr& socket, std::uint64_t generation,
                         const std::string& key) {
  auto entry = std::make_shared<SocketEntry>();
  entry->key = key;
  entry->socket = socket;
  std::set<std::string> names;
  {
    std::lock_guard lock(peer.mutex);
    peer.sockets[key] = entry;
    names = peer.event_names;
  }
  auto label = key;
  std::weak_ptr<SocketEntry> weak = entry;
  socket->on_data([weak, generation](const Message& message) {
    if (auto live = weak.lock()) on_socket_message(*live, message, generation);
  });
  socket->on_close([label, generation] {
    emit("close", {{"label", label}, {"engine", generation}});
  });
  socket->on_error([label, generation](const Error& error) {
    auto fields = error_fields(error);
    fields["label"] = label;
    fields["engine"] = generation;
    emit("socket-error", fields);
  });
  for (const auto& name : names) listen_event(*entry, name, generation);
}

inline void watch_writer(const std::string& key, const WritablePtr& writer) {
  std::weak_ptr<Writable> weak = writer;
  writer->on_state_change([key, weak](TransferState state) {
    Json fields = {{"key", key}, {"state", to_string(state)}};
    if (auto live = weak.lock()) fields["bytes_sent"] = live->bytes_sent();
    emit("writer-state", fields);
  });
}

inline std::shared_ptr<ReaderEntry> adopt_reader(Peer& peer, const std::string& key,
                                                 const ReadablePtr& reader) {
  auto entry = std::make_shared<ReaderEntry>();
  entry->reader = reader;
  {
    std::lock_guard lock(peer.mutex);
    peer.readers[key] = entry;
  }
  std::weak_ptr<ReaderEntry> weak = entry;
  reader->on_state_change([key, weak](TransferState state) {
    Json fields = {{"key", key}, {"state", to_string(state)}};
    if (auto live = weak.lock()) {
      std::lock_guard lock(live->mutex);
      fields["bytes"] = live->hash.bytes();
    }
    emit("reader-state", fields);
  });
  return entry;
}

}  // namespace script_peer
