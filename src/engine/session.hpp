// One peer connection's lifetime: from a settled role until the peer
// restarts or the engine closes. Sockets belong to the session they were
// opened on and close with it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "negotiation/perfect_negotiation.hpp"
#include "socket/socket_core.hpp"
#include "webrtc/peer_connection.hpp"

namespace rtcengine::detail {

inline constexpr const char* kInternalLabel = "RTCEngine-internal";
inline constexpr const char* kUnnegotiatedSocketPrefix = "RTCEngine-unnegotiated-socket";
inline constexpr const char* kUnnegotiatedTransactionPrefix = "RTCEngine-unnegotiated-transaction";

struct Session {
  std::uint64_t generation = 0;
  bool polite = false;
  // Destroyed after `negotiation`, which holds a reference to it; its
  // callbacks are cut off by close() before either goes away.
  std::unique_ptr<PeerConnection> connection;
  std::unique_ptr<PerfectNegotiation> negotiation;
  // Negotiated channels the peer opened that no socket() call took yet.
  std::map<std::string, std::shared_ptr<SocketCore>> unclaimed;
  // Their labels in order of arrival (may name some already gone): when too
  // many wait, the one that waited longest makes room for the newest.
  std::deque<std::string> unclaimed_order;
  // Every socket core living on this connection, to close with it. Held
  // strongly: like a browser's channel, a socket lives until it is closed,
  // whether or not the user keeps its handle (a handler may be all it has).
  std::vector<std::shared_ptr<SocketCore>> sockets;
  std::shared_ptr<SocketCore> internal;
  // Offer/answer state: channels are created only while it is stable, and
  // on the impolite side only after the first exchange settled (see
  // EngineCore::may_create_channels).
  SignalingState signaling = SignalingState::stable;
  bool negotiated = false;

  ~Session() {
    if (connection) connection->close();
  }
};

}  // namespace rtcengine::detail
