// End-to-end authentication of signaling with a shared secret, by a
// password-authenticated key exchange (CPace, cpace.hpp). Each role message
// carries a fresh key share ("pake") whose associated data is the role's
// seed and extension announcement; from the peer's share both sides derive
// one key. Each side then proves it holds the key (a "key-confirmation"
// message), and each description carries an HMAC under it over its DTLS
// fingerprints ("auth"). A relay that swaps fingerprints or shares, or a
// peer with another secret, ends up with tags that do not verify.
// Nothing sent is computed from the secret alone, so a transcript lets
// nobody test guesses offline; each key the peer never confirms is one
// online guess, and after kMaxUnconfirmedKeys of them this side gives up.
// The exact construction is in docs/protocol.md ("Signaling authentication").
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "negotiation/cpace.hpp"

namespace rtcengine::detail {

class SignalingAuth {
 public:
  // Keys (each confirmed to the peer, so each one guess) dropped or refused
  // without the peer ever proving it holds them.
  static constexpr int kMaxUnconfirmedKeys = 5;
  // CPace's channel identifier: the protocol and its version.
  static constexpr const char* kChannelIdentifier = "rtcengine-v2";

  explicit SignalingAuth(std::string secret);
  ~SignalingAuth();
  bool enabled() const { return !secret_.empty(); }

  // Role messages. add_share() gives our role message a fresh share;
  // accept_share() keeps the peer's (false: none, or not a valid element);
  // agree() derives the key from our latest share and the peer's last
  // accepted one (false: no share accepted yet).
  void add_share(nlohmann::json& role);
  bool accept_share(const nlohmann::json& role);
  bool agree();
  bool has_key() const { return key_.has_value(); }

  // The message that proves we hold the key: {"type":"key-confirmation",
  // "auth":...}. Needs the key.
  nlohmann::json confirmation() const;
  // Signs a description (other messages are not touched). Needs the key.
  void sign(nlohmann::json& message) const;
  // A key-confirmation or description from the peer, under the current key.
  enum class Check { authentic, forged };
  Check check(const nlohmann::json& message) const;
  // Counts a checked message: an authentic one confirms the key, a forged
  // one is a guess that failed.
  void record(Check check);
  // Too many unconfirmed keys: someone may be guessing the secret.
  bool exhausted() const { return unconfirmed_keys_ >= kMaxUnconfirmedKeys; }

  // The AD of a role message: lv(seed as big-endian binary64) ||
  // lv(the "rtcengine" value as compact JSON with sorted keys, or nothing).
  static std::string associated_data(const nlohmann::json& role);
  // The a=fingerprint lines of an SDP, in order, each ending in '\n'.
  static std::string fingerprints_of(const std::string& sdp);

 private:
  struct Key {
    std::string mac_key;
    std::string own_share;
    std::string peer_share;
    bool confirmed = false;  // the peer proved it holds the key
    bool counted = false;    // already counted as unconfirmed
  };
  // The tag of a message from the side whose share is `sender_share`.
  std::optional<std::string> tag_of(const nlohmann::json& message,
                                    const std::string& sender_share) const;
  void count_unconfirmed();

  std::string secret_;
  std::unique_ptr<cpace::Party> own_;
  std::string own_ad_;
  std::optional<std::string> peer_share_;
  std::string peer_ad_;
  std::optional<Key> key_;
  int unconfirmed_keys_ = 0;
};

}  // namespace rtcengine::detail
