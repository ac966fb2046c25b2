// A peer connection without libwebrtc for the signaling target: it walks
// the signaling states as a real one would and answers every call at once,
// with success or (when told to) with an error.
#pragma once

#include "webrtc/peer_connection.hpp"

namespace rtcengine::fuzz {

class FakePeerConnection final : public detail::PeerConnection {
 public:
  using SignalingState = detail::SignalingState;

  explicit FakePeerConnection(bool refuse_everything) : refuse_(refuse_everything) {}

  void set_local_description(Done done) override {
    if (refuse_) return done("refused");
    local_type_ = state_ == SignalingState::have_remote_offer ? "answer" : "offer";
    state_ = local_type_ == "offer" ? SignalingState::have_local_offer : SignalingState::stable;
    done("");
  }
  void set_remote_description(const detail::SessionDescription& description, Done done) override {
    if (refuse_) return done("refused");
    if (description.type == "offer") state_ = SignalingState::have_remote_offer;
    if (description.type == "answer" || description.type == "rollback") {
      state_ = SignalingState::stable;
    }
    has_remote_ = description.type != "rollback";
    done("");
  }
  void add_ice_candidate(const detail::IceCandidate&, Done done) override {
    done(refuse_ ? "refused" : "");
  }
  [[nodiscard]] std::optional<detail::SessionDescription> local_description() const override {
    if (local_type_.empty()) return std::nullopt;
    return detail::SessionDescription{local_type_, "v=0\r\na=fingerprint:sha-256 00:11\r\n"};
  }
  [[nodiscard]] bool has_remote_description() const override { return has_remote_; }
  [[nodiscard]] SignalingState signaling_state() const override { return state_; }
  [[nodiscard]] detail::PeerState state() const override { return detail::PeerState::connecting; }
  void restart_ice() override {}
  void set_configuration(const detail::PeerConnectionConfig&) override {}
  std::shared_ptr<detail::DataChannel> create_data_channel(const std::string&) override {
    return nullptr;
  }
  void get_stats(std::function<void(ConnectionStats)> done) override { done({}); }
  void close() override {}

 private:
  bool refuse_;
  SignalingState state_ = SignalingState::stable;
  std::string local_type_;
  bool has_remote_ = false;
};

}  // namespace rtcengine::fuzz
