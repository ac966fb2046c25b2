#include "negotiation/signaling_gate.hpp"

#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

std::string type_of(const nlohmann::json& message) {
  auto type = message.find("type");
  return type != message.end() && type->is_string() ? type->get<std::string>() : "";
}

std::string gave_up_text() {
  return "gave up on the shared secret after " +
         std::to_string(SignalingAuth::kMaxUnconfirmedKeys) +
         " key agreements the peer never confirmed: someone may be guessing it (a signaling "
         "server in the middle, or a peer with another secret); no connection will be made, "
         "start again with a new secret";
}

}  // namespace

std::vector<SignalingGate::Json> SignalingGate::outgoing(Json message) {
  if (!enabled()) return {std::move(message)};
  if (type_of(message) == "role") {
    auth_.add_share(message);
    return {std::move(message)};
  }
  if (auth_.exhausted()) return {};
  if (!auth_.has_key()) {
    held_outgoing_.push_back(std::move(message));
    return {};
  }
  auth_.sign(message);
  return {std::move(message)};
}

SignalingGate::Verdict SignalingGate::incoming(const Json& message) {
  auto type = type_of(message);
  if (!enabled() || (type != "role" && type != "description" && type != "key-confirmation")) {
    return Verdict::passed();
  }
  if (auth_.exhausted()) return refuse_once(gave_up_text());
  if (type == "role") {
    if (auth_.accept_share(message)) return Verdict::passed();
    return Verdict::refused(
        "refused a \"role\" message without a valid key share (\"pake\"): the peer has no "
        "shared secret or an older version, or a signaling server is in the middle; no "
        "connection is made with it");
  }
  if (!auth_.has_key()) return hold(message);
  auto check = auth_.check(message);
  auth_.record(check);
  if (check == SignalingAuth::Check::authentic) return Verdict::passed();
  if (auth_.exhausted()) return refuse_once(gave_up_text());
  return Verdict::refused("refused a \"" + type +
                          "\" message that is not signed with the shared secret: a signaling "
                          "server in the middle, or a peer without the same secret; no "
                          "connection is made with it");
}

SignalingGate::Verdict SignalingGate::hold(const Json& message) {
  auto bytes = measure_json(message).bytes;
  if (held_incoming_.size() >= kMaxHeld || held_incoming_bytes_ + bytes > kMaxHeldBytes) {
    return Verdict::refused("dropped a \"" + type_of(message) +
                                "\" message that arrived before the peer's key share: too many "
                                "are waiting already",
                            false);
  }
  held_incoming_bytes_ += bytes;
  held_incoming_.push_back(message);
  return Verdict::quiet();
}

SignalingGate::Verdict SignalingGate::refuse_once(std::string error) {
  if (gave_up_reported_) return Verdict::quiet();
  gave_up_reported_ = true;
  auto verdict = Verdict::refused(std::move(error));
  verdict.final = true;
  return verdict;
}

SignalingGate::Released SignalingGate::agree() {
  Released released;
  if (!enabled() || !auth_.agree()) return released;
  if (auth_.exhausted()) {
    held_outgoing_.clear();
    held_incoming_.clear();
    held_incoming_bytes_ = 0;
    released.error = refuse_once(gave_up_text()).error;
    return released;
  }
  released.outgoing.push_back(auth_.confirmation());
  for (auto& message : held_outgoing_) {
    auth_.sign(message);
    released.outgoing.push_back(std::move(message));
  }
  held_outgoing_.clear();
  for (auto& message : held_incoming_) {
    if (auth_.check(message) == SignalingAuth::Check::authentic) {
      released.incoming.push_back(std::move(message));
    } else {
      RTCENGINE_LOG(info, "signaling: dropped a \"" << type_of(message)
                                                    << "\" from before the peer's key share");
    }
  }
  held_incoming_.clear();
  held_incoming_bytes_ = 0;
  return released;
}

}  // namespace rtcengine::detail
