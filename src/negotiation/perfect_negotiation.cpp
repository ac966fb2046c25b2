#include "negotiation/perfect_negotiation.hpp"

#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

using nlohmann::json;

// A peer has a few dozen candidates; more before its description is hostile.
constexpr std::size_t kMaxPendingCandidates = 256;

std::string describe(const json& value) { return value.dump().substr(0, 120); }

bool is_known_description_type(const std::string& type) {
  return type == "offer" || type == "answer" || type == "pranswer" || type == "rollback";
}

}  // namespace

PerfectNegotiation::PerfectNegotiation(PeerConnection& connection, bool polite, SendSignal send,
                                       ReportError report)
    : connection_(connection),
      polite_(polite),
      send_(std::move(send)),
      report_(std::move(report)) {}

void PerfectNegotiation::on_negotiation_needed() {
  RTCENGINE_LOG(verbose, "negotiation " << this << ": negotiation needed");
  making_offer_ = true;
  connection_.set_local_description([this](const std::string& error) {
    making_offer_ = false;
    if (!error.empty()) {
      // A remote offer may have been applied meanwhile; that is not an error.
      if (connection_.signaling_state() == SignalingState::have_local_offer) {
        report_("creating the local offer failed: " + error);
      }
      return;
    }
    send_local_description();
  });
}

void PerfectNegotiation::send_local_description() {
  auto description = connection_.local_description();
  if (!description) return;
  RTCENGINE_LOG(verbose, "negotiation " << this << ": sending local " << description->type);
  send_({{"type", "description"},
         {"description", {{"type", description->type}, {"sdp", description->sdp}}}});
}

void PerfectNegotiation::on_local_candidate(const IceCandidate& candidate) {
  json value = {{"candidate", candidate.candidate},
                {"sdpMid", candidate.sdp_mid},
                {"sdpMLineIndex", candidate.sdp_mline_index}};
  if (!candidate.username_fragment.empty()) {
    value["usernameFragment"] = candidate.username_fragment;
  }
  send_({{"type", "icecandidate"}, {"candidate", std::move(value)}});
}

void PerfectNegotiation::on_gathering_complete() {
  send_({{"type", "icecandidate"}, {"candidate", nullptr}});
}

void PerfectNegotiation::on_remote_description(const json& description) {
  if (!description.is_object() || !description.contains("type") ||
      !description["type"].is_string() ||
      !is_known_description_type(description["type"].get<std::string>()) ||
      (description["type"] != "rollback" &&
       (!description.contains("sdp") || !description["sdp"].is_string()))) {
    report_("ignored a malformed description from the peer: " + describe(description));
    return;
  }
  SessionDescription remote{description["type"].get<std::string>(),
                            string_field(description, "sdp")};
  bool is_offer = remote.type == "offer";
  bool offer_collision =
      is_offer && (making_offer_ || connection_.signaling_state() != SignalingState::stable);
  ignore_offer_ = !polite_ && offer_collision;
  RTCENGINE_LOG(verbose, "negotiation " << this << ": remote " << remote.type
                                        << (offer_collision ? " (collision)" : "")
                                        << (ignore_offer_ ? " ignored" : " applied"));
  if (ignore_offer_) return;

  connection_.set_remote_description(remote, [this, is_offer](const std::string& error) {
    if (!error.empty()) {
      report_("the peer's description was refused: " + error);
      return;
    }
    flush_pending_candidates();
    if (!is_offer) return;
    connection_.set_local_description([this](const std::string& answer_error) {
      if (!answer_error.empty()) {
        report_("creating the answer failed: " + answer_error);
        return;
      }
      send_local_description();
    });
  });
}

void PerfectNegotiation::on_remote_candidate(const json& candidate) {
  // null (or an empty candidate line) marks the end of the peer's candidates;
  // libwebrtc needs no call for it.
  if (candidate.is_null()) return;
  if (!candidate.is_object() || !candidate.contains("candidate") ||
      !candidate["candidate"].is_string()) {
    report_("ignored a malformed ICE candidate from the peer: " + describe(candidate));
    return;
  }
  if (candidate["candidate"].get_ref<const std::string&>().empty()) return;
  IceCandidate parsed;
  parsed.candidate = candidate["candidate"].get<std::string>();
  if (candidate.contains("sdpMid") && candidate["sdpMid"].is_string()) {
    parsed.sdp_mid = candidate["sdpMid"].get<std::string>();
  }
  if (candidate.contains("sdpMLineIndex") && candidate["sdpMLineIndex"].is_number_integer()) {
    parsed.sdp_mline_index = candidate["sdpMLineIndex"].get<int>();
  }
  if (candidate.contains("usernameFragment") && candidate["usernameFragment"].is_string()) {
    parsed.username_fragment = candidate["usernameFragment"].get<std::string>();
  }
  if (!connection_.has_remote_description()) {
    if (pending_candidates_.size() >= kMaxPendingCandidates) {
      report_("ignored an ICE candidate: " + std::to_string(kMaxPendingCandidates) +
              " are already waiting for the peer's description");
      return;
    }
    pending_candidates_.push_back({std::move(parsed), ignore_offer_});
    return;
  }
  add_candidate(parsed, ignore_offer_);
}

void PerfectNegotiation::add_candidate(const IceCandidate& candidate, bool arrived_while_ignoring) {
  connection_.add_ice_candidate(candidate, [this, arrived_while_ignoring,
                                            line = candidate.candidate](const std::string& error) {
    // Candidates of an offer we ignored are expected to fail.
    if (error.empty() || arrived_while_ignoring || ignore_offer_) return;
    report_("the peer's ICE candidate was refused (" + error + "): " + line.substr(0, 120));
  });
}

void PerfectNegotiation::flush_pending_candidates() {
  auto pending = std::move(pending_candidates_);
  pending_candidates_.clear();
  for (const auto& entry : pending) add_candidate(entry.candidate, entry.arrived_while_ignoring);
}

}  // namespace rtcengine::detail
