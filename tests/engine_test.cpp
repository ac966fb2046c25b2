// Engines connecting, negotiating under glare, closing, re-pairing and
// shrugging off bad signaling: two real engines over real libwebrtc.
#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "negotiation/seed_source.hpp"
#include "support/engine_pair.hpp"
#include "support/wait.hpp"

using namespace std::chrono_literals;
using namespace rtcengine;
using rtcengine::test::EnginePair;
using rtcengine::test::loopback_options;
using rtcengine::test::MemorySignaler;
using rtcengine::test::wait_until;

namespace {

// Entries of a /proc/self folder; -errno when it cannot be read.
int count_entries(const char* folder) {
  DIR* dir = opendir(folder);
  if (!dir) return -errno;
  int count = 0;
  while (auto* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

int thread_count() { return count_entries("/proc/self/task"); }

// Collects errors reported by an engine.
struct ErrorLog {
  std::mutex mutex;
  std::vector<std::string> errors;
  void attach(Engine& engine) {
    auto self = std::shared_ptr<ErrorLog>(this, [](ErrorLog*) {});
    engine.on_error([this](const Error& error) {
      std::lock_guard lock(mutex);
      errors.push_back(error.what());
    });
  }
  bool has(const std::string& text) {
    std::lock_guard lock(mutex);
    for (auto& error : errors) {
      if (error.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

void expect_round_trip(const SocketPtr& from, const SocketPtr& to, const std::string& text) {
  auto got = std::make_shared<std::promise<std::string>>();
  auto future = got->get_future();
  auto once = std::make_shared<std::once_flag>();
  to->on_data([got, once](const Message& message) {
    std::call_once(*once, [&] { got->set_value(message.text()); });
  });
  from->write(text);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), text);
}

}  // namespace

TEST(Engine, ConnectsAndReportsStatesAndStats) {
  auto pair = EnginePair::create();
  ASSERT_TRUE(pair.wait_connected());
  auto [a, b] = pair.open_socket("stats");
  expect_round_trip(a, b, "ping");
  auto stats = pair.a->stats().get();
  EXPECT_GT(stats.bytes_sent, 0u);
  ASSERT_TRUE(stats.local_candidate.has_value());
  EXPECT_EQ(stats.local_candidate->type, "host");
  const auto& address = stats.local_candidate->address;
  EXPECT_TRUE(address.rfind("127.", 0) == 0 || address == "::1") << address;
  ASSERT_TRUE(stats.remote_candidate.has_value());
  auto socket_stats = a->stats();
  EXPECT_GE(socket_stats.messages_sent, 1u);
}

// Both sides open sockets at the same moment on a fresh pair, so both make
// offers at once: perfect negotiation must settle every round.
static void open_at_the_same_moment(int negotiated, int unnegotiated, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    auto pair = EnginePair::create();
    std::vector<std::future<SocketPtr>> from_a, from_b;
    auto open_all = [&](Engine& engine, std::vector<std::future<SocketPtr>>& into) {
      for (int i = 0; i < negotiated; ++i) into.push_back(engine.socket("s" + std::to_string(i)));
      for (int i = 0; i < unnegotiated; ++i) into.push_back(engine.socket());
    };
    std::thread side_b([&] { open_all(*pair.b, from_b); });
    open_all(*pair.a, from_a);
    side_b.join();
    for (auto* futures : {&from_a, &from_b}) {
      for (auto& future : *futures) {
        ASSERT_EQ(future.wait_for(15s), std::future_status::ready) << "round " << round;
        ASSERT_NE(future.get(), nullptr);
      }
    }
    // Each side's unnegotiated sockets reached the other side.
    for (auto& engine : {pair.a, pair.b}) {
      for (int i = 0; i < unnegotiated; ++i) {
        ASSERT_NE(engine->next_socket(10s), nullptr) << "round " << round;
      }
    }
  }
}

TEST(Engine, GlareBetweenSimultaneousOffersAlwaysSettles) {
  // Both sides create a channel at once, so both offer at once, 50 times.
  for (int round = 0; round < 50; ++round) {
    auto pair = EnginePair::create();
    // Only the offers' glare counts here, not the sockets.
    std::thread side_b([&] { (void)pair.b->socket(); });
    (void)pair.a->socket();
    side_b.join();
    ASSERT_TRUE(pair.wait_connected(10s)) << "round " << round;
  }
}

// The test drops each socket handle as soon as it has it: a socket must
// still finish its handshake (it lives until closed, handle or not).
TEST(Engine, SimultaneousSocketsOnBothSidesAllOpen) { open_at_the_same_moment(1, 1, 50); }

// 20 sockets per side (10 negotiated, 10 unnegotiated), 50 rounds.
TEST(Engine, GlareWithTwentySocketsPerSideNeverGetsStuck) { open_at_the_same_moment(10, 10, 50); }

TEST(Engine, ForcedSeedCollisionResolves) {
  // Both engines draw 0.5 first, then 0.5 again, then distinct seeds.
  auto draws = std::make_shared<std::atomic<int>>(0);
  detail::set_role_seed_source_for_testing([draws] {
    int n = (*draws)++;
    return n < 4 ? 0.5 : 0.1 * (n - 3);
  });
  auto pair = EnginePair::create();
  ASSERT_TRUE(pair.wait_connected());
  detail::set_role_seed_source_for_testing(nullptr);
  EXPECT_GE(draws->load(), 4);
  ASSERT_TRUE(pair.a->role() && pair.b->role());
  EXPECT_NE(*pair.a->role(), *pair.b->role());
  auto [a, b] = pair.open_socket("after-collision");
  expect_round_trip(a, b, "resolved");
}

TEST(Engine, FixedRolesOnBothSidesWork) {
  auto polite = loopback_options();
  polite.role = Role::polite;
  auto impolite = loopback_options();
  impolite.role = Role::impolite;
  auto pair = EnginePair::create(impolite, polite);
  auto [a, b] = pair.open_socket("fixed");
  expect_round_trip(b, a, "fixed roles");
  EXPECT_EQ(pair.a->role(), Role::impolite);
  EXPECT_EQ(pair.b->role(), Role::polite);
}

TEST(Engine, InvalidOptionsAreRefusedWithTheFieldNamed) {
  auto signaler = MemorySignaler::make_pair().first;
  auto expect_field = [&](EngineOptions options, const std::string& field) {
    try {
      (void)Engine::create(signaler, options);
      ADD_FAILURE() << "accepted bad " << field;
    } catch (const InvalidOptionError& error) {
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
    }
  };
  EngineOptions bad_role;
  bad_role.role = static_cast<Role>(7);
  expect_field(bad_role, "role");
  EngineOptions bad_server;
  bad_server.ice_servers = {{{"http://example.invalid"}, "", ""}};
  expect_field(bad_server, "ice_servers");
  EngineOptions turn_without_credentials;
  turn_without_credentials.ice_servers = {{{"turn:127.0.0.1:3478"}, "", ""}};
  expect_field(turn_without_credentials, "ice_servers");
  EngineOptions relay_without_servers;
  relay_without_servers.ice_policy = IcePolicy::relay;
  expect_field(relay_without_servers, "ice_policy");
  EngineOptions ports;
  ports.port_range_min = 5000;
  expect_field(ports, "port_range");
  EngineOptions huge_packets;
  huge_packets.sctp_packet_size = 9000;
  expect_field(huge_packets, "sctp_packet_size");
  EXPECT_THROW((void)parse_role("rude"), InvalidOptionError);
  EXPECT_EQ(parse_role("polite"), Role::polite);
  auto server = parse_ice_server("turn:alice:secret@127.0.0.1:3478");
  EXPECT_EQ(server.urls.at(0), "turn:127.0.0.1:3478");
  EXPECT_EQ(server.username, "alice");
  EXPECT_EQ(server.credential, "secret");
}

TEST(Engine, CloseOnOneSideClosesTheOther) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("bye");
  auto b_closed = std::make_shared<std::atomic<bool>>(false);
  b->on_close([b_closed] { *b_closed = true; });
  pair.a->close();
  EXPECT_TRUE(pair.a->wait_for(ConnectionState::closed, 10s));
  EXPECT_TRUE(pair.b->wait_for(ConnectionState::closed, 10s));
  EXPECT_TRUE(wait_until([&] { return b_closed->load(); }));
  EXPECT_THROW(pair.a->socket("after").get(), ClosedError);
  EXPECT_THROW(a->write("after"), ClosedError);
}

TEST(Engine, BadSignalingInputIsReportedAndTheConnectionKeepsWorking) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("robust");
  auto log = std::make_shared<ErrorLog>();
  log->attach(*pair.b);
  auto& inject = *pair.signaler_b;
  inject.inject_text("{not json");
  inject.inject(Json::array({1, 2}));
  inject.inject(Json{{"type", "no-such-type"}, {"x", 1}});
  inject.inject(Json{{"type", "description"}, {"description", "garbage"}});
  inject.inject(Json{{"type", "description"},
                     {"description", {{"type", "offer"}, {"sdp", "v=0 this is not sdp"}}}});
  inject.inject(Json{{"type", "icecandidate"},
                     {"candidate",
                      {{"candidate", "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host"},
                       {"sdpMid", "no-such-mid"},
                       {"sdpMLineIndex", 7}}}});
  inject.inject(Json{{"type", "icecandidate"}, {"candidate", 42}});
  inject.inject(Json{{"type", "role"}, {"seed", "not a number"}});
  inject.inject_text(std::string(10 * 1024 * 1024, ' ') + "{}");
  EXPECT_TRUE(wait_until([&] { return log->has("not valid JSON"); }));
  EXPECT_TRUE(wait_until([&] { return log->has("\"type\""); }));
  EXPECT_TRUE(wait_until([&] { return log->has("malformed description"); }));
  EXPECT_TRUE(wait_until([&] { return log->has("refused") || log->has("could not be parsed"); }));
  EXPECT_TRUE(wait_until([&] { return log->has("ICE candidate"); }));
  EXPECT_TRUE(wait_until([&] { return log->has("numeric seed"); }));
  EXPECT_TRUE(wait_until([&] { return log->has("10485762 bytes refused"); }));
  // Still connected and usable, old socket and new.
  EXPECT_EQ(pair.b->state(), ConnectionState::connected);
  expect_round_trip(a, b, "still here");
  auto [c, d] = pair.open_socket("after-garbage");
  expect_round_trip(d, c, "new socket too");
}

TEST(Engine, RestartedPeerIsPairedAgainAndOldSocketsClose) {
  auto pair = EnginePair::create();
  auto [a, b] = pair.open_socket("work");
  expect_round_trip(a, b, "before restart");
  auto old_closed = std::make_shared<std::atomic<bool>>(false);
  a->on_close([old_closed] { *old_closed = true; });

  // B "crashes": it goes silent without closing (a destroyed engine would
  // close, and a closing peer closes A too); a new instance appears.
  auto pending_on_a = pair.a->socket("pending");
  pair.signaler_a->set_link(false);
  auto silent_b = std::move(pair.b);
  auto fresh = std::make_shared<MemorySignaler>();
  MemorySignaler::join(pair.signaler_a, fresh);
  auto reborn = Engine::create(fresh, loopback_options());

  EXPECT_TRUE(wait_until([&] { return pair.a->peer_generation() == 1; }));
  EXPECT_TRUE(wait_until([&] { return old_closed->load(); }));
  auto again_a = pair.a->socket("work");
  auto again_b = reborn->socket("work");
  auto pending_on_b = reborn->socket("pending");
  ASSERT_EQ(again_a.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(again_b.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(pending_on_a.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(pending_on_b.wait_for(10s), std::future_status::ready);
  expect_round_trip(again_a.get(), again_b.get(), "after restart");
  expect_round_trip(pending_on_b.get(), pending_on_a.get(), "pending request served");
}

TEST(Engine, HundredPairsInOneProcessShareTheSameThreads) {
  // Warm up the shared runtime so its threads already exist.
  { EnginePair::create().wait_connected(); }
  int before = thread_count();
  std::vector<EnginePair> pairs;
  for (int i = 0; i < 100; ++i) pairs.push_back(EnginePair::create());
  for (auto& pair : pairs) ASSERT_TRUE(pair.wait_connected(60s));
  std::vector<std::future<SocketPtr>> sockets;
  for (auto& pair : pairs) {
    sockets.push_back(pair.a->socket("n"));
    sockets.push_back(pair.b->socket("n"));
  }
  for (auto& socket : sockets) ASSERT_EQ(socket.wait_for(60s), std::future_status::ready);
  int during = thread_count();
  EXPECT_EQ(during, before) << "threads before: " << before << ", with 100 pairs: " << during
                            << " (negative: -errno); open files: "
                            << count_entries("/proc/self/fd");
  expect_round_trip(sockets[198].get(), sockets[199].get(), "pair 100");
}
