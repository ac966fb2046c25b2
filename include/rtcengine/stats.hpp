// Numbers about a connection or one socket, read from the WebRTC stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rtcengine {

/// One end of the ICE candidate pair in use.
struct CandidateInfo {
  /// "host", "srflx", "prflx", "relay".
  std::string type;
  /// "udp", "tcp".
  std::string protocol;
  /// The candidate's IP address.
  std::string address;
  /// The candidate's port.
  int port = 0;
};

/// What the peer connection carried so far (Engine::stats()).
struct ConnectionStats {
  /// Bytes sent over the peer connection's transports.
  std::uint64_t bytes_sent = 0;
  /// Bytes received over the peer connection's transports.
  std::uint64_t bytes_received = 0;
  /// Packets sent over the peer connection's transports.
  std::uint64_t packets_sent = 0;
  /// Packets received over the peer connection's transports.
  std::uint64_t packets_received = 0;
  /// Current round-trip time, from ICE checks; unset until measured.
  std::optional<double> round_trip_time_seconds;
  /// This side's end of the selected pair; unset while none is selected.
  std::optional<CandidateInfo> local_candidate;
  /// The peer's end of the selected pair; unset while none is selected.
  std::optional<CandidateInfo> remote_candidate;
};

/// What one socket carried so far (Socket::stats()).
struct SocketStats {
  /// Bytes of messages sent.
  std::uint64_t bytes_sent = 0;
  /// Bytes of messages received.
  std::uint64_t bytes_received = 0;
  /// Messages sent.
  std::uint64_t messages_sent = 0;
  /// Messages received.
  std::uint64_t messages_received = 0;
};

}  // namespace rtcengine
