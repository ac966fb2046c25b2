// Settings of an engine, gathered in one plain struct with safe defaults.
// Validation happens once, in validate(), with an error naming the field.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcengine {

/// Perfect-negotiation role. `automatic` exchanges random seeds with the peer.
enum class Role { automatic, polite, impolite };

/// Which ICE candidates may be used: every kind, or TURN relays only.
enum class IcePolicy { all, relay };

/// How much RTCEngine (and libwebrtc underneath) writes to stderr.
enum class LogLevel { none, error, warning, info, verbose };

/// A STUN or TURN server, as in RTCIceServer. There is no default server.
struct IceServer {
  /// "stun:host:port", "turn:host:port?transport=udp", "turns:...".
  std::vector<std::string> urls;
  /// TURN only.
  std::string username;
  /// TURN only.
  std::string credential;
};

/// Settings of an engine (Engine::create()); plain values with safe defaults.
struct EngineOptions {
  /// Start connecting as soon as the engine is created; otherwise call connect().
  bool auto_connect = true;

  /// Empty by default: only host candidates. Users bring their own servers.
  std::vector<IceServer> ice_servers;

  /// Fixed role for both-sides-configured deployments; automatic by default.
  Role role = Role::automatic;

  /// Which candidates may be used; relay needs a TURN server in ice_servers.
  IcePolicy ice_policy = IcePolicy::all;

  /// Interface names ICE may gather on ("eth0", "veth1"); empty means all.
  std::vector<std::string> network_interfaces;

  /// libwebrtc ignores loopback interfaces unless this is set. LocalSignaler
  /// turns it on, since both peers are on this machine.
  bool allow_loopback = false;

  /// Local UDP port range for ICE, lowest port; 0/0 lets the system choose.
  std::uint16_t port_range_min = 0;
  /// Local UDP port range for ICE, highest port; 0/0 lets the system choose.
  std::uint16_t port_range_max = 0;

  /// Gather host TCP candidates too (ICE-TCP), for networks that block UDP
  /// between the peers. Off by default: each costs sockets, and a TURN
  /// server reached over TCP or TLS covers those networks better.
  bool tcp_candidates = false;

  /// Whether both peers run on this machine, so no packet leaves it. Then
  /// the engine sends larger packets (see below), advertises a 512 KiB SCTP
  /// receive window instead of 5 MiB and asks for 2 MiB UDP receive buffers:
  /// on loopback that avoids the dropped datagrams and retransmission stalls
  /// of the defaults and roughly doubles file throughput (docs/performance.md);
  /// across a network the smaller window would cap throughput. Unset: the
  /// signaler decides (LocalSignaler says yes, network signalers say nothing).
  std::optional<bool> same_machine;

  /// Largest SCTP packet this engine sends, in bytes (1024..2048). Unset:
  /// 2048 on the same machine, else 1191, which fits any path. Raise it only
  /// where every link carries packets this large plus 80 bytes of headers
  /// unfragmented (a LAN with jumbo frames): fewer packets, fewer system
  /// calls. The peer needs no setting to receive them.
  std::optional<std::size_t> sctp_packet_size;

  /// How long without packets from the peer before the path counts as
  /// disconnected.
  std::chrono::milliseconds disconnected_after{2500};
  /// How long before it counts as failed (which starts ICE restart).
  std::chrono::milliseconds failed_after{5000};

  /// Automatic ICE restart: first retry delay, doubled up to the maximum.
  std::chrono::milliseconds ice_restart_backoff_initial{500};
  /// Automatic ICE restart: the longest delay between retries.
  std::chrono::milliseconds ice_restart_backoff_max{4000};

  /// Use RTCEngine's protocol extensions (close handshake, transfer digest,
  /// confirmations and resume; docs/protocol.md) with a peer that announces
  /// them too. Off: this engine announces nothing and speaks exactly
  /// rtc-engine 1.0.0-beta.2's protocol, as a browser running it would.
  bool protocol_extensions = true;

  /// How much the engine logs to stderr. The level is process-wide: the
  /// highest any engine or the RTCENGINE_LOG variable asks for.
  LogLevel log_level = LogLevel::none;

  /// A secret both peers know (never sent; a short human one is fine). When
  /// set, the engines run a PAKE (CPace) in the role exchange and tag the
  /// DTLS fingerprints of each description under its key: a signaling
  /// server can neither sit in the middle (AuthenticationError, no
  /// connection) nor test guesses offline; after 5 failed tries the engine
  /// gives up. Both peers must set it. docs/protocol.md has the details.
  std::string shared_secret;

  /// Throws InvalidOptionError naming the first bad field and its value.
  void validate() const;
};

/// "polite" / "impolite" / "automatic" (or "auto"); throws InvalidOptionError otherwise.
[[nodiscard]] Role parse_role(std::string_view text);
/// The role's name, as parse_role() reads it.
[[nodiscard]] std::string_view to_string(Role role);

/// "all" / "relay"; throws InvalidOptionError otherwise.
[[nodiscard]] IcePolicy parse_ice_policy(std::string_view text);

/// "none" / "error" / "warning" / "info" / "verbose"; throws
/// InvalidOptionError otherwise.
[[nodiscard]] LogLevel parse_log_level(std::string_view text);

/// An IceServer from one line of text, as a command line or a config file
/// gives it: "stun:host:port", or "turn:user:pass@host:port" whose
/// credentials become username and credential. Throws InvalidOptionError
/// for credentials without a ':', or a URL that is not stun:, stuns:,
/// turn: or turns: followed by a host.
[[nodiscard]] IceServer parse_ice_server(std::string_view text);

}  // namespace rtcengine
