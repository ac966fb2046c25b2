// The close contract (docs/api.md, "Handlers and close()") between two real
// engines over real libwebrtc: no data, event or progress handler runs once
// close() or stop() returned, also when called inside that very handler;
// close() inside any handler neither deadlocks nor loses what was written;
// on_close, a transaction's final state and the engine's `closed` come
// exactly once. Each "late" counter counts handler calls that started after
// the closing call had returned; the contract says it stays zero.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/test_data.hpp"
#include "support/wait.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

// What the handlers saw; held by shared_ptr, as handlers may outlive the test's scope.
struct Seen {
  std::atomic<int> calls{0};
  std::atomic<int> late{0};  // calls that started after `closed_returned`
  std::atomic<bool> closed_returned{false};
  std::atomic<int> closes{0};  // on_close calls

  void call() {
    if (closed_returned) ++late;
    ++calls;
  }
};

}  // namespace

TEST(CloseContract, SocketCloseInsideOnDataStopsTheRestOfTheSameBatch) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("batch");
  auto seen = std::make_shared<Seen>();
  auto events = std::make_shared<Seen>();
  auto all_kept = std::make_shared<std::atomic<bool>>(false);
  b->on_event("last", [all_kept](const Json&) { *all_kept = true; });
  b->on_close([seen] { ++seen->closes; });
  // 100 messages (and events between them) in one burst, kept at B until
  // its handler is set: then they are delivered in one batch.
  for (int i = 0; i < 100; ++i) {
    a->write(Json{{"n", i}});
    a->write_event("tick", i);
  }
  a->write_event("last");
  ASSERT_TRUE(wait_until([&] { return all_kept->load(); }));
  std::weak_ptr<Socket> weak_b = b;
  b->on_data([seen, weak_b](const Message&) {
    seen->call();
    if (auto socket = weak_b.lock()) socket->close();
    seen->closed_returned = true;
  });
  // Set after the close: the ticks kept meanwhile are not delivered either.
  b->on_event("tick", [events](const Json&) { events->call(); });
  ASSERT_TRUE(b->wait_closed(10s));
  ASSERT_TRUE(a->wait_closed(10s));
  pair.a.reset();
  pair.b.reset();  // after ~Engine nothing of B runs any more
  EXPECT_TRUE(seen->closed_returned);
  EXPECT_EQ(seen->calls, 1);
  EXPECT_EQ(seen->late, 0);
  EXPECT_EQ(events->calls, 0);
  EXPECT_EQ(seen->closes, 1);
}

TEST(CloseContract, SocketCloseInsideOnDataStopsFramesStillArriving) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("live");
  auto seen = std::make_shared<Seen>();
  std::weak_ptr<Socket> weak_b = b;
  b->on_data([seen, weak_b](const Message&) {
    seen->call();
    if (auto socket = weak_b.lock()) socket->close();
    seen->closed_returned = true;
  });
  b->on_event("tick", [seen](const Json&) { seen->call(); });
  b->on_close([seen] { ++seen->closes; });
  for (int i = 0; i < 100; ++i) {
    try {
      a->write(Json{{"n", i}});
      a->write_event("tick", i);
    } catch (const ClosedError&) {
      break;  // B's close reached A meanwhile
    }
  }
  ASSERT_TRUE(b->wait_closed(10s));
  ASSERT_TRUE(a->wait_closed(10s));
  pair.b.reset();
  EXPECT_EQ(seen->calls, 1);
  EXPECT_EQ(seen->late, 0);
  EXPECT_EQ(seen->closes, 1);
}

TEST(CloseContract, SocketCloseFromAnotherThreadWaitsForTheRunningHandler) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("threads");
  auto seen = std::make_shared<Seen>();
  b->on_data([seen](const Message&) { seen->call(); });
  b->on_close([seen] { ++seen->closes; });
  std::atomic<bool> writing{true};
  std::thread writer([&, a = a] {
    for (int i = 0; writing && i < 100000; ++i) {
      try {
        a->write(Json{{"n", i}});
      } catch (const ClosedError&) {
        return;
      }
    }
  });
  ASSERT_TRUE(wait_until([&] { return seen->calls >= 20; }));
  b->close();
  seen->closed_returned = true;
  std::thread second([b = b] { b->close(); });
  std::thread third([b = b] { b->close(); });
  second.join();
  third.join();
  b->close();
  ASSERT_TRUE(b->wait_closed(10s));
  writing = false;
  writer.join();
  ASSERT_TRUE(a->wait_closed(10s));
  pair.a.reset();
  pair.b.reset();
  EXPECT_EQ(seen->late, 0);
  EXPECT_EQ(seen->closes, 1);  // close() called four times, from three threads
}

TEST(CloseContract, WhatWasWrittenBeforeCloseInsideAHandlerReachesThePeer) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("flush");
  constexpr std::size_t kSize = 1024 * 1024;
  constexpr std::size_t kPiece = 64 * 1024;
  auto content = std::make_shared<std::vector<std::uint8_t>>(test_bytes(kSize));
  auto received = std::make_shared<std::pair<std::mutex, std::vector<std::uint8_t>>>();
  auto b_closed = std::make_shared<std::atomic<int>>(0);
  b->on_data([received](const Message& message) {
    std::lock_guard lock(received->first);
    received->second.insert(received->second.end(), message.bytes().begin(), message.bytes().end());
  });
  b->on_close([b_closed] { ++*b_closed; });
  auto a_closed = std::make_shared<std::atomic<int>>(0);
  std::weak_ptr<Socket> weak_a = a;
  a->on_close([a_closed] { ++*a_closed; });
  // A writes 1 MiB and closes, all inside its handler for B's "go".
  a->on_event("go", [weak_a, content](const Json&) {
    auto socket = weak_a.lock();
    if (!socket) return;
    for (std::size_t at = 0; at < kSize; at += kPiece) {
      socket->write_binary(std::span(*content).subspan(at, kPiece));
    }
    socket->close();
  });
  b->write_event("go");
  ASSERT_TRUE(wait_until([&] { return b_closed->load() == 1 && a_closed->load() == 1; }));
  std::lock_guard lock(received->first);
  EXPECT_EQ(received->second.size(), kSize);
  EXPECT_TRUE(received->second == *content);
}

TEST(CloseContract, EngineCloseInsideOnSocketStopsItsHandlersAndEndsClosedOnce) {
  auto pair = EnginePair::create();
  ASSERT_TRUE(pair.wait_connected());
  auto sockets = std::make_shared<Seen>();
  auto states = std::make_shared<Seen>();
  auto closed_states = std::make_shared<std::atomic<int>>(0);
  auto errors = std::make_shared<Seen>();
  std::weak_ptr<Engine> weak_a = pair.a;
  pair.a->on_state_change([states, closed_states](ConnectionState state) {
    if (state == ConnectionState::closed) {
      ++*closed_states;
    } else {
      states->call();
    }
  });
  pair.a->on_error([errors](const Error&) { errors->call(); });
  pair.a->on_socket([sockets, states, errors, weak_a](SocketPtr) {
    sockets->call();
    if (auto engine = weak_a.lock()) engine->close();
    sockets->closed_returned = states->closed_returned = errors->closed_returned = true;
  });
  // Five unnegotiated sockets in one burst: the first one's handler closes A.
  std::vector<std::future<SocketPtr>> opened;
  for (int i = 0; i < 5; ++i) opened.push_back(pair.b->socket());
  ASSERT_TRUE(pair.a->wait_for(ConnectionState::closed, 10s));
  ASSERT_TRUE(pair.b->wait_for(ConnectionState::closed, 10s));
  pair.a.reset();  // waits: nothing of A runs after this
  EXPECT_EQ(sockets->calls, 1);
  EXPECT_EQ(sockets->late, 0);
  EXPECT_EQ(states->late, 0);
  EXPECT_EQ(errors->late, 0);
  EXPECT_EQ(*closed_states, 1);
}

TEST(CloseContract, EngineCloseInsideOnStateChangeEndsClosedOnce) {
  auto pair = EnginePair::create();
  auto states = std::make_shared<Seen>();
  auto closed_states = std::make_shared<std::atomic<int>>(0);
  std::weak_ptr<Engine> weak_a = pair.a;
  pair.a->on_state_change([states, closed_states, weak_a](ConnectionState state) {
    if (state == ConnectionState::closed) {
      ++*closed_states;
      return;
    }
    states->call();
    if (state != ConnectionState::connected) return;
    if (auto engine = weak_a.lock()) engine->close();
    states->closed_returned = true;
  });
  ASSERT_TRUE(pair.a->wait_for(ConnectionState::closed, 20s));
  pair.a.reset();
  EXPECT_TRUE(states->closed_returned);
  EXPECT_EQ(states->late, 0);
  EXPECT_EQ(*closed_states, 1);
}

TEST(CloseContract, NoTransactionHandlerRunsAfterTheEnginesAreDestroyed) {
  auto pair = EnginePair::create();
  // Both sides ask first: a negotiated transaction opens once both have.
  auto writer_future = pair.a->writable("gone", {{"size", 64 * 1024 * 1024}});
  auto reader_future = pair.b->readable("gone");
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  auto seen = std::make_shared<Seen>();
  auto finals = std::make_shared<std::atomic<int>>(0);
  writer->on_progress([seen](const TransferProgress&) { seen->call(); });
  writer->on_state_change([seen, finals](TransferState state) {
    seen->call();
    if (state == TransferState::done || state == TransferState::failed) ++*finals;
  });
  reader->on_data([](std::span<const std::uint8_t>) {});
  auto chunk = test_bytes(256 * 1024);
  ASSERT_TRUE(writer->wait_ready(10s).has_value());
  std::thread sender([writer = writer, chunk] {
    try {
      for (int i = 0; i < 256; ++i) writer->write(chunk);
    } catch (const Error&) {
      // The engines went away mid-transfer.
    }
  });
  ASSERT_TRUE(wait_until([&] { return writer->progress().bytes > 0; }));
  pair.a.reset();
  pair.b.reset();
  seen->closed_returned = true;
  sender.join();
  EXPECT_EQ(seen->late, 0);
  EXPECT_EQ(*finals, 1);
  EXPECT_EQ(writer->state(), TransferState::failed);
}

TEST(CloseContract, WriterStopInsideOnProgressLeavesOnlyTheFinalState) {
  auto pair = EnginePair::create();
  TransferOptions options;
  options.progress_interval = 20ms;
  // Both sides ask first: a negotiated transaction opens once both have.
  auto writer_future = pair.a->writable("stop-inside", {{"size", 64 * 1024 * 1024}}, options);
  auto reader_future = pair.b->readable("stop-inside", options);
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  auto progress = std::make_shared<Seen>();
  auto states = std::make_shared<std::pair<std::mutex, std::vector<TransferState>>>();
  std::weak_ptr<Writable> weak = writer;
  writer->on_progress([progress, states, weak](const TransferProgress&) {
    progress->call();
    if (auto self = weak.lock()) self->stop("enough");
    progress->closed_returned = true;
    std::lock_guard lock(states->first);
    states->second.clear();  // what comes after stop() returned
  });
  writer->on_state_change([states](TransferState state) {
    std::lock_guard lock(states->first);
    states->second.push_back(state);
  });
  reader->on_data([](std::span<const std::uint8_t>) {});
  auto chunk = test_bytes(256 * 1024);
  std::thread sender([writer = writer, chunk] {
    try {
      for (int i = 0; i < 256; ++i) writer->write(chunk);
    } catch (const TransferError&) {
      // stopped by the handler
    }
  });
  EXPECT_THROW(reader->wait(20s), TransferStoppedError);
  EXPECT_THROW(writer->wait(20s), TransferStoppedError);
  sender.join();
  pair.a.reset();  // the final state has run once this returns
  EXPECT_EQ(progress->calls, 1);
  EXPECT_EQ(progress->late, 0);
  std::lock_guard lock(states->first);
  EXPECT_EQ(states->second, std::vector<TransferState>{TransferState::failed});
}

TEST(CloseContract, WriterStopFromAnotherThreadWaitsForTheRunningProgressHandler) {
  auto pair = EnginePair::create();
  TransferOptions options;
  options.progress_interval = 1ms;  // as many progress calls as can be
  // Both sides ask first: a negotiated transaction opens once both have.
  auto writer_future = pair.a->writable("stop-outside", {{"size", 64 * 1024 * 1024}}, options);
  auto reader_future = pair.b->readable("stop-outside", options);
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  auto seen = std::make_shared<Seen>();
  auto states = std::make_shared<std::pair<std::mutex, std::vector<TransferState>>>();
  writer->on_progress([seen](const TransferProgress&) { seen->call(); });
  writer->on_state_change([seen, states](TransferState state) {
    std::lock_guard lock(states->first);
    if (seen->closed_returned) states->second.push_back(state);
  });
  reader->on_data([](std::span<const std::uint8_t>) {});
  auto chunk = test_bytes(256 * 1024);
  std::thread sender([writer = writer, chunk] {
    try {
      for (int i = 0; i < 256; ++i) writer->write(chunk);
    } catch (const TransferError&) {}
  });
  ASSERT_TRUE(wait_until([&] { return seen->calls >= 5; }));
  writer->stop("from the test's thread");
  seen->closed_returned = true;
  sender.join();
  EXPECT_THROW(reader->wait(20s), TransferStoppedError);
  pair.a.reset();
  EXPECT_EQ(seen->late, 0);
  std::lock_guard lock(states->first);
  EXPECT_LE(states->second.size(), 1u);  // the final state, unless it ran before stop() returned
  if (!states->second.empty()) {
    EXPECT_EQ(states->second[0], TransferState::failed);
  }
}

TEST(CloseContract, ReaderStopInsideItsChunkHandlerGetsNoLaterChunk) {
  auto pair = EnginePair::create();
  // Both sides ask first: a negotiated transaction opens once both have.
  auto writer_future = pair.a->writable("reader-stop", {{"size", 16 * 1024 * 1024}});
  auto reader_future = pair.b->readable("reader-stop");
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  auto seen = std::make_shared<Seen>();
  std::weak_ptr<Readable> weak = reader;
  reader->on_data([seen, weak](std::span<const std::uint8_t>) {
    seen->call();
    if (auto self = weak.lock()) self->stop("first chunk is enough");
    seen->closed_returned = true;
  });
  auto chunk = test_bytes(256 * 1024);
  try {
    for (int i = 0; i < 64; ++i) writer->write(chunk);
  } catch (const TransferError&) {}
  EXPECT_THROW(writer->wait(20s), TransferStoppedError);
  EXPECT_THROW(reader->wait(20s), TransferStoppedError);
  pair.b.reset();
  EXPECT_EQ(seen->calls, 1);
  EXPECT_EQ(seen->late, 0);
}

TEST(CloseContract, FinishedTransferEndsWithOneDoneAndNoProgressAfterIt) {
  auto pair = EnginePair::create();
  TransferOptions options;
  options.progress_interval = 5ms;
  constexpr std::size_t kSize = 4 * 1024 * 1024;
  // Both sides ask first: a negotiated transaction opens once both have.
  auto writer_future = pair.a->writable("done", {{"size", kSize}}, options);
  auto reader_future = pair.b->readable("done", options);
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  struct Event {
    bool is_state;
    TransferState state;
    std::uint64_t bytes;
  };
  auto events = std::make_shared<std::pair<std::mutex, std::vector<Event>>>();
  auto record = [events](Event event) {
    std::lock_guard lock(events->first);
    events->second.push_back(event);
  };
  writer->on_progress([record](const TransferProgress& p) {
    record({false, TransferState::running, p.bytes});
  });
  writer->on_state_change([record](TransferState state) { record({true, state, 0}); });
  reader->on_data([](std::span<const std::uint8_t>) {});
  auto content = test_bytes(kSize);
  writer->write(content);
  writer->end();
  ASSERT_TRUE(writer->wait(20s));
  ASSERT_TRUE(reader->wait(20s));
  pair.a.reset();
  pair.b.reset();
  std::lock_guard lock(events->first);
  ASSERT_GE(events->second.size(), 2u);
  int done = 0;
  for (const auto& event : events->second)
    done += event.is_state && event.state == TransferState::done;
  EXPECT_EQ(done, 1);
  // The end is last, right after a progress report of every byte.
  const auto& last = events->second.back();
  EXPECT_TRUE(last.is_state && last.state == TransferState::done);
  const auto& before = events->second[events->second.size() - 2];
  EXPECT_FALSE(before.is_state);
  EXPECT_EQ(before.bytes, kSize);
}
