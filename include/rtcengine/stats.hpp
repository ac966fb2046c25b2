// Numbers about a connection or one socket, read from the WebRTC stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rtcengine {

// One end of the ICE candidate pair in use.
struct CandidateInfo {
  std::string type;      // "host", "srflx", "prflx", "relay"
  std::string protocol;  // "udp", "tcp"
  std::string address;
  int port = 0;
};

struct ConnectionStats {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::optional<double> round_trip_time_seconds;  // current, from ICE checks
  std::optional<CandidateInfo> local_candidate;   // of the selected pair
  std::optional<CandidateInfo> remote_candidate;
};

struct SocketStats {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
};

}  // namespace rtcengine
