// LocalSignaler joins two peers on one machine, with no server: the C++ twin
// of rtc-engine's BroadcastChannel signaler. Peers that open the same channel
// name find each other, whether in two processes or in one.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "rtcengine/signaler.hpp"

namespace rtcengine {

/// Settings of a LocalSignaler; plain values with defaults.
struct LocalSignalerOptions {
  /// Peers that name the same channel pair up.
  std::string channel = "rtcengine";
  /// How often this member tells the channel it is still there.
  std::chrono::milliseconds heartbeat_interval{1000};
  /// The peer counts as gone after this long without a heartbeat.
  std::chrono::milliseconds heartbeat_timeout{2000};
  /// Where the channel's rendezvous lives; empty picks
  /// $XDG_RUNTIME_DIR/rtcengine or /tmp/rtcengine-<uid>. It must be a
  /// folder of this user's that nobody else may open (mode 0700; created so
  /// when missing), since whoever can open it could read and forge the
  /// channel's messages.
  std::string directory;
};

/// A signaler over datagram sockets in a private folder of this machine.
/// Its sockets and heartbeats run on the I/O thread that every signaler of
/// the process shares; its handlers run there (see Signaler).
class LocalSignaler final : public Signaler {
 public:
  /// Joins the channel. Throws SignalingError when the folder is not
  /// private to this user (the message names it and says what to do) or
  /// the socket cannot be bound; InvalidOptionError for bad options.
  explicit LocalSignaler(LocalSignalerOptions options = {});
  /// Joins `channel` with the default options; throws as above.
  explicit LocalSignaler(std::string channel);
  /// Closes (see close()); never throws.
  ~LocalSignaler() override;

  /// Sends one message to the paired peer. Throws ClosedError once closed,
  /// Error while unpaired, when the peer is gone or not reading, or the
  /// message is over the datagram limit.
  void send(const Json& message) override;
  /// Leaves the channel: ready() turns false and the peer stops hearing
  /// from this member. Waits up to 5 s for the I/O thread to let go of the
  /// socket (not when called on that thread). Calling it again does nothing.
  void close() override;
  /// Allows loopback and sets same_machine: both peers are on this machine.
  void contribute_options(EngineOptions& options) const override;

  /// This member's random id.
  [[nodiscard]] std::string id() const;
  /// The id of the peer it is paired with (empty while unpaired).
  [[nodiscard]] std::string peer_id() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcengine
