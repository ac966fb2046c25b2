// One libwebrtc peer connection, seen through plain C++ types. Every method
// and every callback runs on the EventLoop; callbacks stop once close() ran.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rtcengine/stats.hpp"
#include "webrtc/data_channel.hpp"
#include "webrtc/types.hpp"

namespace rtcengine::detail {

class PeerConnection {
 public:
  // An empty error string means success.
  using Done = std::function<void(const std::string& error)>;

  struct Callbacks {
    std::function<void()> on_negotiation_needed;
    std::function<void(const IceCandidate&)> on_ice_candidate;
    std::function<void()> on_gathering_complete;
    std::function<void(PeerState)> on_state;
    std::function<void(std::shared_ptr<DataChannel>)> on_data_channel;
    std::function<void(SignalingState)> on_signaling_state;
  };

  // Throws rtcengine::Error when libwebrtc refuses the configuration.
  static std::unique_ptr<PeerConnection> create(const PeerConnectionConfig& config,
                                                Callbacks callbacks);

  virtual ~PeerConnection() = default;

  // Implicit offer or answer, as setLocalDescription() without arguments.
  virtual void set_local_description(Done done) = 0;
  virtual void set_remote_description(const SessionDescription& description, Done done) = 0;
  virtual void add_ice_candidate(const IceCandidate& candidate, Done done) = 0;
  virtual std::optional<SessionDescription> local_description() const = 0;
  virtual bool has_remote_description() const = 0;
  virtual SignalingState signaling_state() const = 0;
  virtual PeerState state() const = 0;
  virtual void restart_ice() = 0;
  // Applies ICE servers and policy to the live connection; throws on refusal.
  virtual void set_configuration(const PeerConnectionConfig& config) = 0;
  // Throws rtcengine::Error when the channel cannot be created.
  virtual std::shared_ptr<DataChannel> create_data_channel(const std::string& label) = 0;
  virtual void get_stats(std::function<void(ConnectionStats)> done) = 0;
  virtual void close() = 0;
};

}  // namespace rtcengine::detail
