// With a shared secret, a relay that swaps DTLS fingerprints cannot sit in
// the middle: the engines refuse its descriptions with a clear error and
// never connect. Without tampering, authenticated peers connect as usual.
#include <gtest/gtest.h>

#include <regex>

#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/memory_signaler.hpp"
#include "support/wait.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

struct ErrorsSeen {
  std::mutex mutex;
  std::vector<std::string> authentication;
  void attach(Engine& engine) {
    engine.on_error([this](const Error& error) {
      if (dynamic_cast<const AuthenticationError*>(&error)) {
        std::lock_guard lock(mutex);
        authentication.push_back(error.what());
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
    if (type == "role" || type == "description") {
      EXPECT_TRUE(message.contains("auth")) << message.dump();
      saw_description = saw_description || type == "description";
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
  EXPECT_NE(all.front().find("not signed with the shared secret"), std::string::npos) << all.front();
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
