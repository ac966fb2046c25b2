// The shared-secret key agreement between two SignalingGates, driven by
// hand as the engine drives it: role messages, confirmations, descriptions
// held until the key exists, stale ones dropped, guesses counted.
#include <gtest/gtest.h>

#include "negotiation/signaling_gate.hpp"

using namespace rtcengine::detail;
using Json = nlohmann::json;

namespace {

Json role(double seed) {
  return {{"type", "role"}, {"seed", seed}, {"rtcengine", {{"extensions", {"transfer"}}}}};
}

Json description(const std::string& fingerprint) {
  return {{"type", "description"},
          {"description",
           {{"type", "offer"},
            {"sdp", "v=0\r\na=fingerprint:sha-256 " + fingerprint + "\r\na=setup:actpass\r\n"}}}};
}

Json only(std::vector<Json> messages) {
  EXPECT_EQ(messages.size(), 1u);
  return messages.empty() ? Json() : messages.front();
}

// One side of an exchange: the gate and what it sent.
struct Side {
  explicit Side(const std::string& secret) : gate(secret) {}
  SignalingGate gate;
  Json sent_role;
  std::vector<Json> released;
  void send_role(double seed) { sent_role = only(gate.outgoing(role(seed))); }
  // The peer's role arrives: accepted, then the key is agreed.
  SignalingGate::Released receive_role(const Json& peer_role) {
    EXPECT_TRUE(gate.incoming(peer_role).pass);
    auto result = gate.agree();
    released = result.outgoing;
    return result;
  }
  Json confirmation() const { return released.at(0); }
};

struct Exchange {
  Exchange(const std::string& secret_a, const std::string& secret_b) : a(secret_a), b(secret_b) {
    a.send_role(0.25);
    b.send_role(0.75);
    a.receive_role(b.sent_role);
    b.receive_role(a.sent_role);
  }
  Side a, b;
};

}  // namespace

TEST(SignalingGate, WithoutASecretEverythingPassesUntouched) {
  SignalingGate gate("");
  EXPECT_EQ(only(gate.outgoing(role(0.5))), role(0.5));
  EXPECT_EQ(only(gate.outgoing(description("AA"))), description("AA"));
  EXPECT_TRUE(gate.incoming(role(0.5)).pass);
  EXPECT_TRUE(gate.incoming(description("AA")).pass);
}

TEST(SignalingGate, SameSecretConfirmsAndSignsBothWays) {
  Exchange exchange("7-apple-river", "7-apple-river");
  auto& [a, b] = exchange;
  EXPECT_TRUE(a.sent_role.contains("pake"));
  EXPECT_EQ(a.sent_role["pake"].get<std::string>().size(), 64u);
  EXPECT_FALSE(a.sent_role.contains("auth"));  // nothing on the role is computed from the secret
  EXPECT_EQ(a.confirmation()["type"], "key-confirmation");
  EXPECT_TRUE(b.gate.incoming(a.confirmation()).pass);
  EXPECT_TRUE(a.gate.incoming(b.confirmation()).pass);
  auto offer = only(a.gate.outgoing(description("AB:CD")));
  EXPECT_TRUE(offer.contains("auth"));
  EXPECT_TRUE(b.gate.incoming(offer).pass);
  auto answer = only(b.gate.outgoing(description("EF:01")));
  EXPECT_TRUE(a.gate.incoming(answer).pass);
}

TEST(SignalingGate, DifferentSecretsRefuseEachOthersConfirmationAndDescriptions) {
  Exchange exchange("7-apple-river", "7-apple-rover");
  auto& [a, b] = exchange;
  auto refused_by_b = b.gate.incoming(a.confirmation());
  auto refused_by_a = a.gate.incoming(b.confirmation());
  EXPECT_FALSE(refused_by_b.pass);
  EXPECT_TRUE(refused_by_b.authentication);
  EXPECT_NE(refused_by_b.error.find("not signed with the shared secret"), std::string::npos);
  EXPECT_FALSE(refused_by_a.pass);
  EXPECT_FALSE(b.gate.incoming(only(a.gate.outgoing(description("AB")))).pass);
}

TEST(SignalingGate, TamperedFingerprintSeedExtensionsOrShareAreRefused) {
  {
    Exchange exchange("s3cret", "s3cret");
    auto offer = only(exchange.a.gate.outgoing(description("AB:CD")));
    offer["description"]["sdp"] = "v=0\r\na=fingerprint:sha-256 66:66\r\n";
    EXPECT_FALSE(exchange.b.gate.incoming(offer).pass);
  }
  // A relay that changes what the role says (seed, extensions) or swaps the
  // share for its own: the two sides derive different keys.
  for (auto tamper : std::vector<std::function<void(Json&)>>{
           [](Json& role) { role["seed"] = 0.5; },
           [](Json& role) { role.erase("rtcengine"); },
           [](Json& role) {
             role["pake"] = SignalingGate("s3cret").outgoing(::role(0.1))[0]["pake"];
           },
       }) {
    Side a("s3cret"), b("s3cret");
    a.send_role(0.25);
    b.send_role(0.75);
    auto forwarded = a.sent_role;
    tamper(forwarded);
    b.receive_role(forwarded);
    a.receive_role(b.sent_role);
    EXPECT_FALSE(b.gate.incoming(a.confirmation()).pass);
    EXPECT_FALSE(a.gate.incoming(b.confirmation()).pass);
    EXPECT_FALSE(b.gate.incoming(only(a.gate.outgoing(description("AB")))).pass);
  }
}

TEST(SignalingGate, ReflectedMessagesAreRefused) {
  Exchange exchange("s3cret", "s3cret");
  auto& a = exchange.a;
  EXPECT_FALSE(a.gate.incoming(a.confirmation()).pass);
  EXPECT_FALSE(a.gate.incoming(only(a.gate.outgoing(description("AB")))).pass);
}

TEST(SignalingGate, RoleWithoutAValidShareIsRefused) {
  SignalingGate gate("s3cret");
  gate.outgoing(role(0.5));
  auto plain = gate.incoming(role(0.25));
  EXPECT_FALSE(plain.pass);
  EXPECT_TRUE(plain.authentication);
  EXPECT_NE(plain.error.find("\"pake\""), std::string::npos);
  for (const Json& share : {Json(std::string(64, '0')), Json(std::string(64, 'f')), Json("ab"),
                            Json(std::string(64, 'G')), Json(42)}) {
    auto message = role(0.25);
    message["pake"] = share;
    EXPECT_FALSE(gate.incoming(message).pass) << share.dump();
  }
}

TEST(SignalingGate, OurMessagesWaitForTheKeyThenGoSignedAfterTheConfirmation) {
  Side a("s3cret"), b("s3cret");
  a.send_role(0.25);
  b.send_role(0.75);
  EXPECT_TRUE(a.gate.outgoing(description("AB")).empty());
  EXPECT_TRUE(a.gate.outgoing({{"type", "icecandidate"}, {"candidate", "c"}}).empty());
  auto released = a.receive_role(b.sent_role).outgoing;
  ASSERT_EQ(released.size(), 3u);
  EXPECT_EQ(released[0]["type"], "key-confirmation");
  EXPECT_EQ(released[1]["type"], "description");
  EXPECT_EQ(released[2]["type"], "icecandidate");
  b.receive_role(a.sent_role);
  EXPECT_TRUE(b.gate.incoming(released[1]).pass);
}

TEST(SignalingGate, PeerMessagesBeforeTheKeyWaitAndStaleOnesAreDropped) {
  Side a("s3cret"), b("s3cret");
  a.send_role(0.25);
  b.send_role(0.75);
  a.receive_role(b.sent_role);
  auto fresh = only(a.gate.outgoing(description("AB")));
  // From a previous exchange: signed under a key b never had.
  Exchange earlier("s3cret", "s3cret");
  auto stale = only(earlier.a.gate.outgoing(description("CD")));
  auto held_stale = b.gate.incoming(stale);
  auto held_fresh = b.gate.incoming(fresh);
  EXPECT_FALSE(held_stale.pass);
  EXPECT_TRUE(held_stale.error.empty());
  EXPECT_FALSE(held_fresh.pass);
  auto released = b.receive_role(a.sent_role);
  EXPECT_TRUE(released.error.empty());
  ASSERT_EQ(released.incoming.size(), 1u);
  EXPECT_EQ(released.incoming[0], fresh);
}

TEST(SignalingGate, HeldMessagesAreBounded) {
  SignalingGate gate("s3cret");
  gate.outgoing(role(0.5));
  for (std::size_t i = 0; i < SignalingGate::kMaxHeld; ++i) {
    EXPECT_TRUE(gate.incoming(description("AB")).error.empty());
  }
  auto over = gate.incoming(description("AB"));
  EXPECT_FALSE(over.pass);
  EXPECT_FALSE(over.authentication);
  EXPECT_NE(over.error.find("too many"), std::string::npos);
}

TEST(SignalingGate, AnEavesdropperWhoKnowsTheSecretStillCannotCheckTheTranscript) {
  // What makes offline guessing impossible: even the right secret does not
  // let an observer verify any tag it saw, since each key also needs one of
  // the two random scalars. (Under the HMAC-of-the-secret scheme this
  // replaced, the observer verified every message with the right guess.)
  Exchange exchange("7-apple-river", "7-apple-river");
  auto offer = only(exchange.a.gate.outgoing(description("AB:CD")));
  ASSERT_TRUE(exchange.b.gate.incoming(offer).pass);

  Side observer("7-apple-river");  // plays b with its own scalar
  observer.send_role(0.75);
  observer.receive_role(exchange.a.sent_role);
  EXPECT_FALSE(observer.gate.incoming(offer).pass);
  EXPECT_FALSE(observer.gate.incoming(exchange.a.confirmation()).pass);
}

TEST(SignalingGate, GivesUpAfterTooManyUnconfirmedKeys) {
  // A relay that plays the peer sends a fresh role message per guess; each
  // key this side confirms and the relay cannot is one guess spent.
  SignalingGate gate("7-apple-river");
  gate.outgoing(role(0.5));
  int refused_roles = 0;
  std::string gave_up;
  for (int guess = 0; guess < SignalingAuth::kMaxUnconfirmedKeys + 3; ++guess) {
    Side relay("guess " + std::to_string(guess));
    relay.send_role(0.25);
    auto verdict = gate.incoming(relay.sent_role);
    if (!verdict.pass) {
      ++refused_roles;
      if (!verdict.error.empty()) gave_up = verdict.error;
      continue;
    }
    gate.outgoing(role(0.5));
    auto released = gate.agree();
    if (!released.error.empty()) gave_up = released.error;
  }
  EXPECT_NE(gave_up.find("gave up"), std::string::npos) << gave_up;
  EXPECT_GE(refused_roles, 2);
  EXPECT_TRUE(gate.outgoing(description("AB")).empty());  // nothing more is signed
}

TEST(SignalingGate, ConfirmedKeysAreNotCountedAsGuesses) {
  SignalingGate gate("s3cret");
  for (int restart = 0; restart < SignalingAuth::kMaxUnconfirmedKeys + 3; ++restart) {
    Side peer("s3cret");
    peer.send_role(0.25);
    auto own = only(gate.outgoing(role(0.5)));
    ASSERT_TRUE(gate.incoming(peer.sent_role).pass) << restart;
    auto released = gate.agree();
    EXPECT_TRUE(released.error.empty());
    peer.receive_role(own);
    EXPECT_TRUE(gate.incoming(peer.confirmation()).pass);
  }
}
