// The W3C Perfect Negotiation pattern over one peer connection: both sides
// offer whenever they need to; on a collision the impolite side ignores the
// incoming offer and the polite side rolls back (implicitly) and answers.
// Signaling JSON is validated here, so a peer sending nonsense gets an error
// report instead of reaching libwebrtc.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "webrtc/peer_connection.hpp"

namespace rtcengine::detail {

class PerfectNegotiation {
 public:
  using SendSignal = std::function<void(nlohmann::json message)>;
  using ReportError = std::function<void(const std::string& error)>;

  PerfectNegotiation(PeerConnection& connection, bool polite, SendSignal send, ReportError report);

  // Events from the local peer connection.
  void on_negotiation_needed();
  void on_local_candidate(const IceCandidate& candidate);
  void on_gathering_complete();

  // Messages from the peer: the "description" and "candidate" fields.
  void on_remote_description(const nlohmann::json& description);
  void on_remote_candidate(const nlohmann::json& candidate);

  bool polite() const { return polite_; }
  bool making_offer() const { return making_offer_; }

 private:
  struct PendingCandidate {
    IceCandidate candidate;
    bool arrived_while_ignoring;
  };

  void send_local_description();
  void add_candidate(const IceCandidate& candidate, bool arrived_while_ignoring);
  void flush_pending_candidates();

  PeerConnection& connection_;
  bool polite_;
  SendSignal send_;
  ReportError report_;
  bool making_offer_ = false;
  bool ignore_offer_ = false;
  // Candidates can overtake the description they belong to; they wait here
  // until a remote description exists.
  std::vector<PendingCandidate> pending_candidates_;
};

}  // namespace rtcengine::detail
