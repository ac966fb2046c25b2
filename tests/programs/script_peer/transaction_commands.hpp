// Commands about transactions: open a writer or a reader, send generated
// bytes, read and hash what arrives, pause/resume/stop from either end, and
// wait for the end.
#pragma once

#include <future>
#include <optional>

#include "command.hpp"
#include "pattern.hpp"
#include "peer.hpp"

namespace script_peer {

template <class Pointer>
Pointer take_within(std::future<Pointer>& future, const Command& command, const std::string& what) {
  if (future.wait_for(command.timeout()) != std::future_status::ready) {
    throw TimeoutError(what + " did not open in time");
  }
  return future.get();
}

// {"cmd":"writable","key":K,"label":L,"metadata":M}; without "label" it is
// unnegotiated.
inline Json open_writer(Peer& peer, const Command& command) {
  auto engine = peer.current_engine();
  auto key = command.text("key");
  auto metadata = command.json.value("metadata", Json::object());
  auto future = command.has("label") ? engine->writable(command.text("label"), metadata)
                                     : engine->writable(metadata);
  auto writer = take_within(future, command, "writable " + key);
  {
    std::lock_guard lock(peer.mutex);
    peer.writers[key] = writer;
  }
  watch_writer(key, writer);
  return {{"metadata", writer->metadata()}};
}

// {"cmd":"writer_send","key":K,"total":N,"seed":S,"chunk":C,"end":true,
//  "pause_at":P,"stop_at":Q,"reason":R}: writes N pattern bytes (and ends).
// Once P bytes are written it pauses itself (the next write waits for a
// resume from either side); at Q bytes it stops with reason R instead.
inline Json writer_send(Peer& peer, const Command& command) {
  auto key = command.text("key");
  auto writer = peer.writer(key);
  auto total = command.number_or("total", 0);
  auto chunk = command.number_or("chunk", 64 * 1024);
  auto seed = static_cast<std::uint32_t>(command.number_or("seed", 1));
  bool pause = command.has("pause_at");
  Sha256 hash;
  for (std::uint64_t offset = 0; offset < total; offset += chunk) {
    if (command.has("stop_at") && offset >= command.number_or("stop_at", 0)) {
      writer->stop(command.text_or("reason", "stopped by the sender"));
      return {{"bytes", hash.bytes()}, {"stopped", true}};
    }
    if (pause && offset >= command.number_or("pause_at", 0)) {
      pause = false;
      writer->pause();
      emit("writer-paused", {{"key", key}, {"at", offset}});
    }
    auto bytes =
        pattern_bytes(offset, static_cast<std::size_t>(std::min(chunk, total - offset)), seed);
    writer->write(bytes);
    hash.update(bytes);
  }
  if (command.json.value("end", true)) writer->end();
  return {{"bytes", hash.bytes()}, {"sha256", hash.hex()}};
}

inline Json writer_wait(Peer& peer, const Command& command) {
  auto writer = peer.writer(command.text("key"));
  if (!writer->wait(command.timeout())) {
    throw TimeoutError("writer still " + std::string(to_string(writer->state())) +
                       " after sending " + std::to_string(writer->bytes_sent()) + " bytes (" +
                       std::to_string(writer->progress().bytes) + " confirmed)");
  }
  return {{"state", to_string(writer->state())}, {"bytes_sent", writer->bytes_sent()}};
}

// {"cmd":"writer_control","key":K,"action":"pause|resume|stop","reason":R}
inline Json writer_control(Peer& peer, const Command& command) {
  auto writer = peer.writer(command.text("key"));
  auto action = command.text("action");
  if (action == "pause")
    writer->pause();
  else if (action == "resume")
    writer->resume();
  else if (action == "stop")
    writer->stop(command.text_or("reason", "stopped by the sender"));
  else
    throw std::invalid_argument("unknown action " + action);
  return {{"state", to_string(writer->state())}};
}

inline Json writer_info(Peer& peer, const Command& command) {
  auto writer = peer.writer(command.text("key"));
  return {{"state", to_string(writer->state())},
          {"bytes_sent", writer->bytes_sent()},
          {"progress_bytes", writer->progress().bytes},
          {"metadata", writer->metadata()}};
}

// {"cmd":"readable","key":K,"label":L}
inline Json open_reader(Peer& peer, const Command& command) {
  auto engine = peer.current_engine();
  auto key = command.text("key");
  auto future = engine->readable(command.text("label"));
  auto reader = take_within(future, command, "readable " + key);
  adopt_reader(peer, key, reader);
  return {{"metadata", reader->metadata()}};
}

// {"cmd":"read","key":K,"pause_at":P,"stop_at":Q,"reason":R}: hashes every
// chunk as it arrives (choosing this sink tells the writer the reader is
// ready). Once P bytes arrived it pauses; at Q bytes it stops with reason R.
inline Json start_reading(Peer& peer, const Command& command) {
  struct Plan {
    std::optional<std::uint64_t> pause_at, stop_at;
    std::string reason;
  };
  auto key = command.text("key");
  auto entry = peer.reader_entry(key);
  auto plan = std::make_shared<Plan>();
  if (command.has("pause_at")) plan->pause_at = command.number_or("pause_at", 0);
  if (command.has("stop_at")) plan->stop_at = command.number_or("stop_at", 0);
  plan->reason = command.text_or("reason", "cancelled by the receiver");
  std::weak_ptr<ReaderEntry> weak = entry;
  entry->reader->on_data([weak, key, plan](std::span<const std::uint8_t> chunk) {
    auto live = weak.lock();
    if (!live) return;
    std::uint64_t bytes;
    {
      std::lock_guard lock(live->mutex);
      live->hash.update(chunk);
      bytes = live->hash.bytes();
    }
    // Handlers run one at a time on the engine's thread: the plan needs no lock.
    if (plan->pause_at && bytes >= *plan->pause_at) {
      plan->pause_at.reset();
      live->reader->pause();
      emit("reader-paused", {{"key", key}, {"at", bytes}});
    }
    if (plan->stop_at && bytes >= *plan->stop_at) {
      plan->stop_at.reset();
      live->reader->stop(plan->reason);
      emit("reader-stopped", {{"key", key}, {"at", bytes}});
    }
  });
  return {};
}

inline Json reader_result(ReaderEntry& entry) {
  std::lock_guard lock(entry.mutex);
  return {{"state", to_string(entry.reader->state())},
          {"bytes", entry.hash.bytes()},
          {"sha256", entry.hash.hex()},
          {"metadata", entry.reader->metadata()}};
}

inline Json reader_wait(Peer& peer, const Command& command) {
  auto entry = peer.reader_entry(command.text("key"));
  if (!entry->reader->wait(command.timeout())) {
    std::lock_guard lock(entry->mutex);
    throw TimeoutError("reader still " + std::string(to_string(entry->reader->state())) +
                       " after " + std::to_string(entry->hash.bytes()) + " bytes");
  }
  return reader_result(*entry);
}

inline Json reader_control(Peer& peer, const Command& command) {
  auto entry = peer.reader_entry(command.text("key"));
  auto action = command.text("action");
  if (action == "pause")
    entry->reader->pause();
  else if (action == "resume")
    entry->reader->resume();
  else if (action == "stop")
    entry->reader->stop(command.text_or("reason", "cancelled by the receiver"));
  else
    throw std::invalid_argument("unknown action " + action);
  return {{"state", to_string(entry->reader->state())}};
}

inline Json reader_info(Peer& peer, const Command& command) {
  return reader_result(*peer.reader_entry(command.text("key")));
}

}  // namespace script_peer
