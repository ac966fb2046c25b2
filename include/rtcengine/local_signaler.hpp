// LocalSignaler joins two peers on one machine, with no server: the C++ twin
// of rtc-engine's BroadcastChannel signaler. Peers that open the same channel
// name find each other, whether in two processes or in one.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "rtcengine/signaler.hpp"

namespace rtcengine {

struct LocalSignalerOptions {
  std::string channel = "rtcengine";
  std::chrono::milliseconds heartbeat_interval{1000};
  // The peer counts as gone after this long without a heartbeat.
  std::chrono::milliseconds heartbeat_timeout{2000};
  // Where the channel's rendezvous lives; empty picks
  // $XDG_RUNTIME_DIR/rtcengine or /tmp/rtcengine-<uid>. It must be a
  // folder of this user's that nobody else may open (mode 0700; created so
  // when missing), since whoever can open it could read and forge the
  // channel's messages.
  std::string directory;
};

class LocalSignaler : public Signaler {
 public:
  // Throws SignalingError when the folder is not private to this user (the
  // message names it and says what to do) or the socket cannot be bound;
  // InvalidOptionError for bad options.
  explicit LocalSignaler(LocalSignalerOptions options = {});
  explicit LocalSignaler(std::string channel);
  ~LocalSignaler() override;

  void send(const Json& message) override;
  void close() override;
  void contribute_options(EngineOptions& options) const override;

  // This member's random id, and the id of the peer it is paired with
  // (empty while unpaired).
  std::string id() const;
  std::string peer_id() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcengine
