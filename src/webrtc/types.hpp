// Plain C++ mirrors of the libwebrtc values the rest of the engine needs, so
// nothing outside src/webrtc/ includes a libwebrtc header.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtcengine/options.hpp"

namespace rtcengine::detail {

struct SessionDescription {
  std::string type;  // "offer", "answer", "pranswer", "rollback"
  std::string sdp;
};

struct IceCandidate {
  std::string candidate;  // "candidate:..." line without "a="
  std::string sdp_mid;
  int sdp_mline_index = 0;
  std::string username_fragment;
};

enum class PeerState { fresh, connecting, connected, disconnected, failed, closed };

enum class SignalingState {
  stable,
  have_local_offer,
  have_local_pranswer,
  have_remote_offer,
  have_remote_pranswer,
  closed
};

struct PeerConnectionConfig {
  std::vector<IceServer> ice_servers;
  IcePolicy ice_policy = IcePolicy::all;
  std::vector<std::string> network_interfaces;
  bool allow_loopback = false;
  std::uint16_t port_range_min = 0;
  std::uint16_t port_range_max = 0;
  bool tcp_candidates = false;
  bool same_machine = false;
  std::optional<std::size_t> sctp_packet_size;  // unset: chosen by same_machine
  std::chrono::milliseconds disconnected_after{2500};
  std::chrono::milliseconds failed_after{5000};
};

}  // namespace rtcengine::detail
