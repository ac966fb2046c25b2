// Sockets between two real engines over real libwebrtc (loopback only).
#include <gtest/gtest.h>

#include <unistd.h>

#include <mutex>
#include <vector>

#include "socket/socket_access.hpp"
#include "socket/socket_core.hpp"
#include "support/engine_pair.hpp"
#include "support/wait.hpp"

using namespace std::chrono_literals;
using namespace rtcengine;
using rtcengine::test::EnginePair;
using rtcengine::test::wait_until;

namespace {

// Collects what a socket receives, from the engine's thread. Handlers hold
// it by shared_ptr: they may still run while the engines close.
struct Received : std::enable_shared_from_this<Received> {
  std::mutex mutex;
  std::vector<Message> data;
  std::vector<std::pair<std::string, Json>> events;
  bool closed = false;

  void attach(Socket& socket, const std::vector<std::string>& event_names = {}) {
    auto self = shared_from_this();
    socket.on_data([self](const Message& message) {
      std::lock_guard lock(self->mutex);
      self->data.push_back(message);
    });
    for (const auto& name : event_names) {
      socket.on_event(name, [self, name](const Json& payload) {
        std::lock_guard lock(self->mutex);
        self->events.emplace_back(name, payload);
      });
    }
    socket.on_close([self] {
      std::lock_guard lock(self->mutex);
      self->closed = true;
    });
  }
  std::size_t data_count() {
    std::lock_guard lock(mutex);
    return data.size();
  }
  std::size_t event_count() {
    std::lock_guard lock(mutex);
    return events.size();
  }
  bool is_closed() {
    std::lock_guard lock(mutex);
    return closed;
  }
};

void exchange_everything(Socket& from, Received& to) {
  from.write("hello RTCEngine");
  from.write(Json{{"n", 42}, {"list", {1, 2, 3}}});
  from.write(3.5);
  std::vector<std::uint8_t> bytes = {0, 1, 2, 255, 254};
  from.write_binary(bytes);
  from.write_event("greeting", Json{{"from", from.label()}});
  ASSERT_TRUE(wait_until([&] { return to.data_count() == 4 && to.event_count() == 1; }));
  std::lock_guard lock(to.mutex);
  EXPECT_EQ(to.data[0].json(), "hello RTCEngine");
  EXPECT_EQ(to.data[0].text(), "hello RTCEngine");
  EXPECT_EQ(to.data[1].json()["n"], 42);
  EXPECT_EQ(to.data[1].json()["list"].size(), 3u);
  EXPECT_EQ(to.data[2].json(), 3.5);
  EXPECT_TRUE(to.data[3].is_binary());
  EXPECT_EQ(to.data[3].bytes(), bytes);
  EXPECT_EQ(to.events[0].first, "greeting");
  EXPECT_EQ(to.events[0].second["from"], from.label());
}

}  // namespace

TEST(Socket, NegotiatedSocketCarriesEveryKindOfFrameBothWays) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("chat");
  ASSERT_TRUE(pair.wait_connected());
  EXPECT_EQ(a->label(), "chat");
  EXPECT_EQ(b->label(), "chat");
  auto at_a = std::make_shared<Received>(), at_b = std::make_shared<Received>();
  at_a->attach(*a, {"greeting"});
  at_b->attach(*b, {"greeting"});
  exchange_everything(*a, *at_b);
  exchange_everything(*b, *at_a);
  // One side polite, the other impolite.
  ASSERT_TRUE(pair.a->role() && pair.b->role());
  EXPECT_NE(*pair.a->role(), *pair.b->role());
}

TEST(Socket, UnnegotiatedSocketArrivesThroughOnSocketAndNextSocket) {
  auto pair = EnginePair::create();
  auto slot = std::make_shared<std::pair<std::mutex, SocketPtr>>();
  pair.b->on_socket([slot](SocketPtr socket) {
    std::lock_guard lock(slot->first);
    slot->second = socket;
  });
  auto created = pair.a->socket().get();
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(slot->first);
    return slot->second != nullptr;
  }));
  auto from_b_handler = slot->second;
  pair.b->on_socket(nullptr);
  EXPECT_EQ(created->label(), from_b_handler->label());
  EXPECT_EQ(created->label().rfind("RTCEngine-unnegotiated-socket_", 0), 0u);
  auto at_a = std::make_shared<Received>(), at_b = std::make_shared<Received>();
  at_a->attach(*created, {"greeting"});
  at_b->attach(*from_b_handler, {"greeting"});
  exchange_everything(*created, *at_b);
  exchange_everything(*from_b_handler, *at_a);

  // The blocking queue: B creates, A takes it with next_socket().
  auto from_b = pair.b->socket();
  auto taken = pair.a->next_socket(10s);
  ASSERT_NE(taken, nullptr);
  auto mine = from_b.get();
  auto at_taken = std::make_shared<Received>();
  at_taken->attach(*taken, {"greeting"});
  exchange_everything(*mine, *at_taken);
}

TEST(Socket, SocketRequestedBeforeTheEnginesMeetOpensLater) {
  auto [signaler_a, signaler_b] = test::MemorySignaler::make_pair(false);
  auto a = Engine::create(signaler_a, test::loopback_options());
  auto b = Engine::create(signaler_b, test::loopback_options());
  auto first = a->socket("early");
  auto second = b->socket("early");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(first.wait_for(0s), std::future_status::timeout);
  signaler_a->set_link(true);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  auto socket_a = first.get();
  auto socket_b = second.get();
  auto at_b = std::make_shared<Received>();
  at_b->attach(*socket_b);
  socket_a->write("late but here");
  ASSERT_TRUE(wait_until([&] { return at_b->data_count() == 1; }));
}

TEST(Socket, FramesArrivingBeforeTheHandlerAreKeptAndDeliveredInOrder) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("early-frames");
  for (int i = 0; i < 100; ++i) a->write(i);
  a->write_event("done", true);
  std::this_thread::sleep_for(300ms);  // the frames arrive with no handler set
  auto at_b = std::make_shared<Received>();
  at_b->attach(*b, {"done"});
  ASSERT_TRUE(wait_until([&] { return at_b->data_count() == 100 && at_b->event_count() == 1; }));
  std::lock_guard lock(at_b->mutex);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(at_b->data[i].json(), i);
}

TEST(Socket, CloseAfterWriteDeliversEverythingAndFiresCloseOnBothSides) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("bulk");
  auto at_a = std::make_shared<Received>(), at_b = std::make_shared<Received>();
  at_a->attach(*a);
  at_b->attach(*b);
  std::vector<std::uint8_t> chunk(64 * 1024, 7);
  const int kChunks = 300;  // ~19 MiB: more than the send buffer holds at once
  for (int i = 0; i < kChunks; ++i) {
    chunk[0] = static_cast<std::uint8_t>(i);
    a->write_binary(chunk);
  }
  a->close();
  ASSERT_TRUE(wait_until([&] { return at_b->is_closed(); }, 30s));
  EXPECT_EQ(at_b->data_count(), static_cast<std::size_t>(kChunks));
  ASSERT_TRUE(wait_until([&] { return at_a->is_closed(); }));
  std::lock_guard lock(at_b->mutex);
  for (int i = 0; i < kChunks; ++i)
    EXPECT_EQ(at_b->data[i].bytes()[0], static_cast<std::uint8_t>(i));
  EXPECT_THROW(a->write("after close"), ClosedError);
}

TEST(Socket, OversizedWriteFailsClearlyAndTheSocketStaysUsable) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("sizes");
  auto at_b = std::make_shared<Received>();
  at_b->attach(*b);
  std::vector<std::uint8_t> too_big(Socket::kMaxMessageSize + 1);
  EXPECT_THROW(a->write_binary(too_big), MessageTooLargeError);
  std::vector<std::uint8_t> largest(Socket::kMaxMessageSize, 1);
  a->write_binary(largest);
  a->write("still works");
  ASSERT_TRUE(wait_until([&] { return at_b->data_count() == 2; }));
  std::lock_guard lock(at_b->mutex);
  EXPECT_EQ(at_b->data[0].bytes().size(), Socket::kMaxMessageSize);
  EXPECT_EQ(at_b->data[1].json(), "still works");
}

TEST(Socket, WritesWaitForRoomSoTheBufferStaysBounded) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("pressure");
  a->set_max_buffered(1024 * 1024);
  std::atomic<std::size_t> highest{0};
  auto received = std::make_shared<std::atomic<std::size_t>>(0);
  b->on_data([received](const Message& message) { *received += message.bytes().size(); });
  std::vector<std::uint8_t> chunk(64 * 1024, 1);
  for (int i = 0; i < 400; ++i) {
    a->write_binary(chunk);
    highest = std::max(highest.load(), a->buffered_amount());
  }
  EXPECT_LE(highest.load(), 1024u * 1024u);
  ASSERT_TRUE(wait_until([&] { return *received == 400u * chunk.size(); }, 30s));
}

TEST(Socket, TryWriteRefusesWhenFullAndDrainSignalsRoom) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("drain");
  a->set_max_buffered(256 * 1024);
  auto drains = std::make_shared<std::atomic<int>>(0);
  a->on_drain([drains] { ++*drains; });
  std::vector<std::uint8_t> chunk(64 * 1024, 1);
  int accepted = 0;
  std::size_t highest = 0;
  // The stack may send some while we write, so count room, not writes.
  while (a->try_write_binary(chunk) && accepted < 10000) {
    ++accepted;
    highest = std::max(highest, a->buffered_amount());
  }
  EXPECT_GE(accepted, 1);
  EXPECT_LT(accepted, 10000) << "try_write never refused";
  EXPECT_LE(highest, 256u * 1024u + chunk.size());
  ASSERT_TRUE(wait_until([&] { return drains->load() > 0; }));
  EXPECT_TRUE(a->try_write_binary(chunk));
}

TEST(Socket, MalformedFrameFromThePeerFiresErrorAndTheSocketKeepsWorking) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("garbage");
  auto errors = std::make_shared<std::atomic<int>>(0);
  b->on_error([errors](const Error& error) {
    EXPECT_NE(std::string(error.what()).find("not JSON"), std::string::npos);
    ++*errors;
  });
  auto at_b = std::make_shared<Received>();
  at_b->attach(*b);
  // A raw text frame that is not JSON, as a foreign peer might send.
  // The socket API only writes valid frames; go one level below it.
  detail::core_of(*a).write_frame("this is not json", false, detail::SocketCore::WriteMode::wait);
  a->write("valid after garbage");
  ASSERT_TRUE(wait_until([&] { return errors->load() == 1 && at_b->data_count() == 1; }));
  std::lock_guard lock(at_b->mutex);
  EXPECT_EQ(at_b->data[0].json(), "valid after garbage");
}

TEST(Socket, DuplicateAndReservedLabelsAreRefused) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("unique");
  EXPECT_THROW(pair.a->socket("unique").get(), UsageError);
  EXPECT_THROW(pair.a->socket("RTCEngine-internal").get(), UsageError);
}

namespace {

// Sends 64 binary messages of about 100 KiB from `from` (on `engine`) to
// `to`, checks every byte, and returns the average size of the UDP packets
// the engine sent meanwhile.
double average_sent_packet(Engine& engine, Socket& from, Received& to) {
  constexpr int kMessages = 64;
  auto message_bytes = [](int index) {
    std::vector<std::uint8_t> bytes(100 * 1024 + index);
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<std::uint8_t>(i * 31 + index);
    return bytes;
  };
  auto already = to.data_count();
  auto before = engine.stats().get();
  for (int i = 0; i < kMessages; ++i) from.write_binary(message_bytes(i));
  EXPECT_TRUE(wait_until([&] { return to.data_count() == already + kMessages; }, 30s));
  auto after = engine.stats().get();
  std::lock_guard lock(to.mutex);
  for (int i = 0; i < kMessages && already + i < to.data.size(); ++i) {
    EXPECT_EQ(to.data[already + i].bytes(), message_bytes(i)) << i;
  }
  return double(after.bytes_sent - before.bytes_sent) /
         double(after.packets_sent - before.packets_sent);
}

}  // namespace

// Engine A sends 2048-byte SCTP packets, engine B the default 1191: each side
// must read the other's, and the counters show the sizes really differ.
// One direction at a time: the receiver's acknowledgements are small packets.
// (Payload plus DTLS record overhead, a few small control packets aside.)
TEST(Socket, LargerSctpPacketsOnOneSideCarryEveryByteBothWays) {
  auto large = rtcengine::test::loopback_options();
  large.sctp_packet_size = 2048;
  auto pair = EnginePair::create(large, rtcengine::test::loopback_options());
  auto [a, b] = pair.open_socket("large-packets");
  auto at_a = std::make_shared<Received>(), at_b = std::make_shared<Received>();
  at_a->attach(*a);
  at_b->attach(*b);
  EXPECT_GT(average_sent_packet(*pair.a, *a, *at_b), 1700);
  EXPECT_LT(average_sent_packet(*pair.b, *b, *at_a), 1300);
}

// LocalSignaler means both peers are on this machine: the engine picks the
// same-machine settings (2 KiB packets) unless the user says otherwise.
TEST(Socket, LocalSignalerPeersUseSameMachineSettingsUnlessToldOtherwise) {
  auto channel = "same-machine-" + std::to_string(getpid());
  EngineOptions not_local;
  not_local.same_machine = false;
  auto local = Engine::create(std::make_shared<LocalSignaler>(channel));
  auto told = Engine::create(std::make_shared<LocalSignaler>(channel), not_local);
  auto first = local->socket("s");
  auto second = told->socket("s");
  auto from_local = first.get(), from_told = second.get();
  auto at_local = std::make_shared<Received>(), at_told = std::make_shared<Received>();
  at_local->attach(*from_local);
  at_told->attach(*from_told);
  EXPECT_GT(average_sent_packet(*local, *from_local, *at_told), 1700);
  EXPECT_LT(average_sent_packet(*told, *from_told, *at_local), 1300);
}
