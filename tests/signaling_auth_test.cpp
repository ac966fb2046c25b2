// With a shared secret, a relay that swaps DTLS fingerprints cannot sit in
// the middle: the engines refuse its descriptions with a clear error and
// never connect. Without tampering, authenticated peers connect as usual.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <regex>

#include "negotiation/seed_source.hpp"
#include "negotiation/signaling_auth.hpp"
#include "negotiation/signaling_gate.hpp"
#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/memory_signaler.hpp"
#include "support/wait.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

// Shared with the handler, which the engine's thread may still run while
// the test's locals are destroyed.
struct ErrorsSeen {
  struct Seen {
    std::mutex mutex;
    std::vector<std::string> authentication;
  };
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();
  std::mutex& mutex = seen->mutex;
  std::vector<std::string>& authentication = seen->authentication;
  void attach(Engine& engine) {
    engine.on_error([seen = seen](const Error& error) {
      if (dynamic_cast<const AuthenticationError*>(&error)) {
        std::lock_guard lock(seen->mutex);
        seen->authentication.push_back(error.what());
      }
    });
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return authentication.size();
  }
};

EngineOptions with_secret(const std::string& secret) {
  auto options = loopback_options();
  options.shared_secret = secret;
  return options;
}

// Replaces every fingerprint in a description with the relay's own.
void swap_fingerprints(Json& message) {
  if (message.value("type", "") != "description") return;
  auto& sdp = message["description"]["sdp"];
  static const std::regex fingerprint(R"(a=fingerprint:sha-256 [0-9A-F:]+)");
  sdp = std::regex_replace(sdp.get<std::string>(), fingerprint,
                           "a=fingerprint:sha-256 " + std::string(95, 'A').replace(2, 1, ":"));
}

}  // namespace

TEST(SignalingAuth, PeersWithTheSameSecretConnectAndSignTheirMessages) {
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair();
  auto a = Engine::create(signaler_a, with_secret("correct horse"));
  auto b = Engine::create(signaler_b, with_secret("correct horse"));
  ASSERT_TRUE(a->wait_for(ConnectionState::connected, 10s));
  ASSERT_TRUE(b->wait_for(ConnectionState::connected, 10s));
  bool saw_description = false;
  for (const auto& message : signaler_a->sent()) {
    auto type = message.value("type", "");
    // Role messages carry a key share (a PAKE), descriptions a tag under its key.
    if (type == "role") {
      EXPECT_TRUE(message.contains("pake")) << message.dump();
    }
    if (type == "description") {
      EXPECT_TRUE(message.contains("auth")) << message.dump();
      saw_description = true;
    }
  }
  EXPECT_TRUE(saw_description);
}

TEST(SignalingAuth, RelaySwappingFingerprintsIsRefusedAndNeverConnects) {
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  signaler_a->set_tamper(swap_fingerprints);
  signaler_b->set_tamper(swap_fingerprints);
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto b = Engine::create(signaler_b, with_secret("s3cret"));
  ErrorsSeen errors_a, errors_b;
  errors_a.attach(*a);
  errors_b.attach(*b);
  signaler_a->set_link(true);
  EXPECT_TRUE(wait_until([&] { return errors_a.count() + errors_b.count() > 0; }));
  EXPECT_FALSE(a->wait_for(ConnectionState::connected, 5s));
  EXPECT_NE(b->state(), ConnectionState::connected);
  std::lock_guard lock(errors_a.mutex);
  std::lock_guard lock_b(errors_b.mutex);
  auto all = errors_a.authentication;
  all.insert(all.end(), errors_b.authentication.begin(), errors_b.authentication.end());
  ASSERT_FALSE(all.empty());
  EXPECT_NE(all.front().find("not signed with the shared secret"), std::string::npos)
      << all.front();
}

TEST(SignalingAuth, DifferentSecretsNeverConnect) {
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  auto a = Engine::create(signaler_a, with_secret("one"));
  auto b = Engine::create(signaler_b, with_secret("two"));
  ErrorsSeen errors;
  errors.attach(*a);
  signaler_a->set_link(true);
  EXPECT_TRUE(wait_until([&] { return errors.count() > 0; }));
  EXPECT_FALSE(a->wait_for(ConnectionState::connected, 3s));
}

TEST(SignalingAuth, TamperingWithoutASecretIsNotNoticedWhichIsWhyTheSecretExists) {
  // The control case: the same relay, no secret. The engines cannot tell,
  // and DTLS fails on the swapped fingerprint instead (no connection, no
  // authentication error): the secret is what makes the refusal clear.
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  signaler_b->set_tamper(swap_fingerprints);
  auto a = Engine::create(signaler_a, loopback_options());
  auto b = Engine::create(signaler_b, loopback_options());
  ErrorsSeen errors;
  errors.attach(*a);
  signaler_a->set_link(true);
  EXPECT_FALSE(a->wait_for(ConnectionState::connected, 4s));
  EXPECT_EQ(errors.count(), 0u);
}

// ---- The key agreement (CPace) behind the secret ----

namespace {

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

std::vector<Json> of_type(const std::vector<Json>& messages, const std::string& type) {
  std::vector<Json> found;
  for (const auto& message : messages) {
    if (message.value("type", "") == type) found.push_back(message);
  }
  return found;
}

// A valid key share that is not the peer's: what a relay that knows no
// secret (it may guess one) puts in place of each side's.
std::string relay_share() {
  detail::SignalingGate relay("a guess");
  return relay.outgoing({{"type", "role"}, {"seed", 0.5}})[0]["pake"].get<std::string>();
}

}  // namespace

TEST(SignalingAuth, RoleWithoutAKeyShareIsRefused) {
  // An older RTCEngine, or a peer without the secret: no "pake" share.
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  signaler_b->set_tamper([](Json& message) { message.erase("pake"); });
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto b = Engine::create(signaler_b, with_secret("s3cret"));
  ErrorsSeen errors;
  errors.attach(*a);
  signaler_a->set_link(true);
  ASSERT_TRUE(wait_until([&] { return errors.count() > 0; }));
  {
    std::lock_guard lock(errors.mutex);
    EXPECT_NE(errors.authentication.front().find("without a valid key share"), std::string::npos)
        << errors.authentication.front();
  }
  EXPECT_FALSE(a->wait_for(ConnectionState::connected, 3s));
}

TEST(SignalingAuth, RelaySwappingKeySharesIsRefusedOnBothSides) {
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  auto swap_share = [share = relay_share()](Json& message) {
    if (message.value("type", "") == "role") message["pake"] = share;
  };
  signaler_a->set_tamper(swap_share);
  signaler_b->set_tamper(swap_share);
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto b = Engine::create(signaler_b, with_secret("s3cret"));
  ErrorsSeen errors_a, errors_b;
  errors_a.attach(*a);
  errors_b.attach(*b);
  signaler_a->set_link(true);
  EXPECT_TRUE(wait_until([&] { return errors_a.count() > 0 && errors_b.count() > 0; }));
  EXPECT_FALSE(a->wait_for(ConnectionState::connected, 3s));
  EXPECT_NE(b->state(), ConnectionState::connected);
}

TEST(SignalingAuth, FixedRolesWaitForTheKeyThenConnect) {
  // Fixed roles negotiate at once, before the peer's share has arrived.
  auto polite = with_secret("s3cret");
  polite.role = Role::polite;
  auto impolite = with_secret("s3cret");
  impolite.role = Role::impolite;
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair(false);
  auto a = Engine::create(signaler_a, impolite);
  auto b = Engine::create(signaler_b, polite);
  ErrorsSeen errors;
  errors.attach(*a);
  errors.attach(*b);
  signaler_a->set_link(true);
  auto socket_a = a->socket("fixed");
  auto socket_b = b->socket("fixed");
  ASSERT_EQ(socket_a.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(socket_b.wait_for(10s), std::future_status::ready);
  expect_round_trip(socket_a.get(), socket_b.get(), "fixed roles, one key");
  EXPECT_EQ(errors.count(), 0u);
}

TEST(SignalingAuth, TiedSeedsAgreeOnTheKeyOfTheSecondDraw) {
  auto draws = std::make_shared<std::atomic<int>>(0);
  detail::set_role_seed_source_for_testing([draws] {
    int n = (*draws)++;
    return n < 2 ? 0.5 : 0.1 * (n - 1);
  });
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair();
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto b = Engine::create(signaler_b, with_secret("s3cret"));
  ErrorsSeen errors;
  errors.attach(*a);
  errors.attach(*b);
  EXPECT_TRUE(a->wait_for(ConnectionState::connected, 10s));
  detail::set_role_seed_source_for_testing(nullptr);
  EXPECT_GE(draws->load(), 4);
  EXPECT_EQ(of_type(signaler_a->sent(), "role").size(), 2u);
  EXPECT_EQ(errors.count(), 0u);
}

TEST(SignalingAuth, RestartedPeerGetsANewKeyAndConnectsWithoutFalseAlarms) {
  // A draws the smallest seed: polite, it creates the channels, so it
  // renegotiates by itself below.
  auto draws = std::make_shared<std::atomic<int>>(0);
  detail::set_role_seed_source_for_testing([draws] { return (*draws)++ == 0 ? 0.1 : 0.9; });
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair();
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto b = Engine::create(signaler_b, with_secret("s3cret"));
  ErrorsSeen errors;
  errors.attach(*a);
  ASSERT_TRUE(a->wait_for(ConnectionState::connected, 10s));
  // B goes silent; A renegotiates meanwhile (an ICE restart), so an offer
  // signed under the old key waits for the new B and reaches it first.
  auto descriptions_before_silence = of_type(signaler_a->sent(), "description").size();
  signaler_a->set_link(false);
  a->restart_ice();
  auto pending = a->socket("pending");
  auto silent_b = std::move(b);
  auto fresh = std::make_shared<MemorySignaler>();
  MemorySignaler::join(signaler_a, fresh);
  auto reborn = Engine::create(fresh, with_secret("s3cret"));
  detail::set_role_seed_source_for_testing(nullptr);
  ErrorsSeen reborn_errors;
  reborn_errors.attach(*reborn);
  auto on_reborn = reborn->socket("pending");
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(on_reborn.wait_for(10s), std::future_status::ready);
  expect_round_trip(pending.get(), on_reborn.get(), "after restart");
  auto shares = of_type(signaler_a->sent(), "role");
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_NE(shares[0]["pake"], shares[1]["pake"]);  // a fresh share for the new peer
  // The new B was sent A's offer under the old key (it waited in A's
  // outbox) before A's new share: dropped as stale, not reported as forged.
  auto sent = signaler_a->sent();
  auto second_role = std::find_if(sent.begin(), sent.end(), [&](const Json& message) {
    return message.value("type", "") == "role" && message["pake"] == shares[1]["pake"];
  });
  auto stale = std::count_if(sent.begin(), second_role, [](const Json& message) {
    return message.value("type", "") == "description";
  });
  EXPECT_GT(static_cast<std::size_t>(stale), descriptions_before_silence);
  EXPECT_EQ(errors.count(), 0u);
  EXPECT_EQ(reborn_errors.count(), 0u);
}

TEST(SignalingAuth, TranscriptLetsNobodyCheckAGuessOffline) {
  // Everything a signaling server sees, with the right secret as its
  // "guess": it still cannot verify a single tag, so it cannot tell a
  // right guess from a wrong one. (The HMAC-of-the-secret scheme this
  // replaced failed exactly this: its role tag checked any guess.)
  auto [signaler_a, signaler_b] = MemorySignaler::make_pair();
  auto a = Engine::create(signaler_a, with_secret("correct horse"));
  auto b = Engine::create(signaler_b, with_secret("correct horse"));
  ASSERT_TRUE(a->wait_for(ConnectionState::connected, 10s));
  auto roles = of_type(signaler_a->sent(), "role");
  ASSERT_EQ(roles.size(), 1u);
  for (const auto& [key, value] : roles[0].items()) {
    EXPECT_TRUE(key == "type" || key == "seed" || key == "rtcengine" || key == "pake") << key;
  }
  detail::SignalingAuth observer("correct horse");
  Json own_role = {{"type", "role"}, {"seed", 0.5}};
  observer.add_share(own_role);
  ASSERT_TRUE(observer.accept_share(roles[0]));
  ASSERT_TRUE(observer.agree());
  auto tagged = of_type(signaler_a->sent(), "description");
  auto confirmations = of_type(signaler_a->sent(), "key-confirmation");
  ASSERT_FALSE(tagged.empty());
  ASSERT_EQ(confirmations.size(), 1u);
  tagged.push_back(confirmations[0]);
  for (const auto& message : tagged) {
    EXPECT_EQ(observer.check(message), detail::SignalingAuth::Check::forged) << message.dump();
  }
  // And nothing repeats from one run to the next under the same secret.
  auto [signaler_c, signaler_d] = MemorySignaler::make_pair();
  auto c = Engine::create(signaler_c, with_secret("correct horse"));
  auto d = Engine::create(signaler_d, with_secret("correct horse"));
  ASSERT_TRUE(c->wait_for(ConnectionState::connected, 10s));
  auto other_roles = of_type(signaler_c->sent(), "role");
  ASSERT_FALSE(other_roles.empty());
  EXPECT_NE(other_roles[0]["pake"], roles[0]["pake"]);
  EXPECT_NE(of_type(signaler_c->sent(), "key-confirmation")[0]["auth"], confirmations[0]["auth"]);
}

// A relay guessing the secret gets one guess per key this side agrees and
// the guesser never confirms; after kMaxUnconfirmedKeys the engine gives up
// for good: it reports why and closes, and waiting socket() calls fail, so a
// user is not left waiting (the CLI exits 1 with the message).
TEST(SignalingAuth, GuessingPeersEndTheEngineAfterTooManyUnconfirmedKeys) {
  auto [signaler_a, first_guess] = MemorySignaler::make_pair();
  auto a = Engine::create(signaler_a, with_secret("s3cret"));
  auto final_errors = std::make_shared<std::atomic<int>>(0);
  a->on_error([final_errors](const Error& error) {
    if (std::string(error.what()).find("gave up") != std::string::npos) ++*final_errors;
  });
  auto pending = a->socket("never");
  std::shared_ptr<MemorySignaler> guess_signaler = first_guess;
  for (int guess = 0; guess < 3 * detail::SignalingAuth::kMaxUnconfirmedKeys; ++guess) {
    if (guess > 0) {
      guess_signaler = std::make_shared<MemorySignaler>();
      MemorySignaler::join(signaler_a, guess_signaler);
    }
    auto guesser = Engine::create(guess_signaler, with_secret("guess-" + std::to_string(guess)));
    if (a->wait_for(ConnectionState::closed, 1s)) break;
  }
  ASSERT_TRUE(a->wait_for(ConnectionState::closed, 10s));
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_THROW(pending.get(), Error);
  EXPECT_EQ(final_errors->load(), 1);
}
