// End-to-end authentication of signaling: with a secret both peers share,
// each role seed and each description carries an HMAC-SHA256 over what a
// signaling server in the middle would have to change (the seed, the DTLS
// fingerprints in the SDP). A description whose fingerprints are not signed
// is refused, so a relay cannot swap in its own certificate.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

class SignalingAuth {
 public:
  explicit SignalingAuth(std::string secret) : secret_(std::move(secret)) {}
  bool enabled() const { return !secret_.empty(); }

  // Adds the "auth" field to role and description messages.
  void sign(nlohmann::json& message) const;
  // True when the message's "auth" matches (always true when disabled).
  bool verify(const nlohmann::json& message) const;

  // The a=fingerprint lines of an SDP, in order, joined by '\n'.
  static std::string fingerprints_of(const std::string& sdp);

 private:
  std::string signed_text(const nlohmann::json& message) const;
  std::string secret_;
};

}  // namespace rtcengine::detail
