// libwebrtc PeerConnectionInterface behind detail::PeerConnection.
#include "webrtc/peer_connection.hpp"

#include <api/jsep.h>
#include <api/stats/rtc_stats_collector_callback.h>
#include <api/stats/rtc_stats_report.h>
#include <api/stats/rtcstats_objects.h>
#include <p2p/client/basic_port_allocator.h>

#include "rtcengine/errors.hpp"
#include "webrtc/data_channel_internal.hpp"
#include "webrtc/filtered_network_manager.hpp"
#include "webrtc/runtime_internal.hpp"
#include "webrtc/sctp_factory.hpp"

namespace rtcengine::detail {
namespace {

// The allocator owns its filtered view of the networks; the view is a base
// listed first so that it outlives the allocator part during destruction.
struct NetworkViewHolder {
  FilteredNetworkManager view;
  NetworkViewHolder(rtc::NetworkManager& shared, std::vector<std::string> interfaces,
                    bool allow_loopback)
      : view(shared, std::move(interfaces), allow_loopback) {}
};

class EnginePortAllocator final : private NetworkViewHolder, public cricket::BasicPortAllocator {
 public:
  EnginePortAllocator(LibwebrtcRuntime& runtime, const PeerConnectionConfig& config)
      : NetworkViewHolder(runtime.network_manager(), config.network_interfaces,
                          config.allow_loopback),
        cricket::BasicPortAllocator(&view, &runtime.socket_factory()) {}
};

template <typename Interface>
class DoneObserver : public Interface {
 public:
  explicit DoneObserver(std::function<void(webrtc::RTCError)> done) : done_(std::move(done)) {}

 protected:
  void finish(webrtc::RTCError error) { done_(std::move(error)); }

 private:
  std::function<void(webrtc::RTCError)> done_;
};

class SetLocalObserver : public DoneObserver<webrtc::SetLocalDescriptionObserverInterface> {
 public:
  using DoneObserver::DoneObserver;
  void OnSetLocalDescriptionComplete(webrtc::RTCError error) override { finish(error); }
};

class SetRemoteObserver : public DoneObserver<webrtc::SetRemoteDescriptionObserverInterface> {
 public:
  using DoneObserver::DoneObserver;
  void OnSetRemoteDescriptionComplete(webrtc::RTCError error) override { finish(error); }
};

class StatsCallback : public webrtc::RTCStatsCollectorCallback {
 public:
  explicit StatsCallback(
      std::function<void(const rtc::scoped_refptr<const webrtc::RTCStatsReport>&)> done)
      : done_(std::move(done)) {}
  void OnStatsDelivered(const rtc::scoped_refptr<const webrtc::RTCStatsReport>& report) override {
    done_(report);
  }

 private:
  std::function<void(const rtc::scoped_refptr<const webrtc::RTCStatsReport>&)> done_;
};

PeerState to_peer_state(webrtc::PeerConnectionInterface::PeerConnectionState state) {
  using S = webrtc::PeerConnectionInterface::PeerConnectionState;
  switch (state) {
    case S::kNew: return PeerState::fresh;
    case S::kConnecting: return PeerState::connecting;
    case S::kConnected: return PeerState::connected;
    case S::kDisconnected: return PeerState::disconnected;
    case S::kFailed: return PeerState::failed;
    case S::kClosed: return PeerState::closed;
  }
  return PeerState::closed;
}

webrtc::PeerConnectionInterface::RTCConfiguration to_rtc_configuration(
    const PeerConnectionConfig& config) {
  webrtc::PeerConnectionInterface::RTCConfiguration rtc;
  rtc.sdp_semantics = webrtc::SdpSemantics::kUnifiedPlan;
  // Perfect negotiation's polite side relies on setRemoteDescription(offer)
  // rolling back its own offer, as browsers do; libwebrtc needs asking.
  rtc.enable_implicit_rollback = true;
  for (const auto& server : config.ice_servers) {
    webrtc::PeerConnectionInterface::IceServer ice;
    ice.urls = server.urls;
    ice.username = server.username;
    ice.password = server.credential;
    rtc.servers.push_back(ice);
  }
  rtc.type = config.ice_policy == IcePolicy::relay ? webrtc::PeerConnectionInterface::kRelay
                                                   : webrtc::PeerConnectionInterface::kAll;
  rtc.set_min_port(config.port_range_min);
  rtc.set_max_port(config.port_range_max);
  // Host TCP candidates open a listening socket per network and a TCP
  // connection per candidate pair: hundreds of descriptors per engine for
  // paths that UDP (or a TURN relay over TCP/TLS) serves anyway.
  rtc.tcp_candidate_policy = config.tcp_candidates
                                 ? webrtc::PeerConnectionInterface::kTcpCandidatePolicyEnabled
                                 : webrtc::PeerConnectionInterface::kTcpCandidatePolicyDisabled;
  // Gathering once lets trickle ICE end with the end-of-candidates message;
  // a network that comes back is picked up by the automatic ICE restart.
  rtc.ice_connection_receiving_timeout = static_cast<int>(config.disconnected_after.count());
  rtc.ice_unwritable_timeout = static_cast<int>(config.disconnected_after.count());
  rtc.ice_inactive_timeout = static_cast<int>(config.failed_after.count());
  return rtc;
}

std::optional<CandidateInfo> candidate_info(const webrtc::RTCStatsReport& report,
                                            const std::string& id) {
  // Local and remote candidates are subclasses; GetAs<> wants the exact type.
  const webrtc::RTCStats* any = report.Get(id);
  if (!any || (std::string(any->type()) != webrtc::RTCLocalIceCandidateStats::kType &&
               std::string(any->type()) != webrtc::RTCRemoteIceCandidateStats::kType)) {
    return std::nullopt;
  }
  const auto* stats = static_cast<const webrtc::RTCIceCandidateStats*>(any);
  CandidateInfo info;
  info.type = stats->candidate_type.ValueOrDefault("");
  info.protocol = stats->protocol.ValueOrDefault("");
  info.address = stats->address.is_defined() ? *stats->address : stats->ip.ValueOrDefault("");
  info.port = stats->port.ValueOrDefault(0);
  return info;
}

const webrtc::RTCIceCandidatePairStats* selected_pair(const webrtc::RTCStatsReport& report) {
  for (const auto* transport : report.GetStatsOfType<webrtc::RTCTransportStats>()) {
    if (!transport->selected_candidate_pair_id.is_defined()) continue;
    if (const auto* pair = report.GetAs<webrtc::RTCIceCandidatePairStats>(
            *transport->selected_candidate_pair_id)) {
      return pair;
    }
  }
  // This libwebrtc does not always name the selected pair on the transport;
  // the nominated pair that succeeded is the one in use.
  for (const auto* pair : report.GetStatsOfType<webrtc::RTCIceCandidatePairStats>()) {
    if (pair->nominated.ValueOrDefault(false) && pair->state.ValueOrDefault("") == "succeeded") {
      return pair;
    }
  }
  return nullptr;
}

ConnectionStats to_connection_stats(const webrtc::RTCStatsReport& report) {
  ConnectionStats result;
  for (const auto* transport : report.GetStatsOfType<webrtc::RTCTransportStats>()) {
    result.bytes_sent += transport->bytes_sent.ValueOrDefault(0);
    result.bytes_received += transport->bytes_received.ValueOrDefault(0);
    result.packets_sent += transport->packets_sent.ValueOrDefault(0);
    result.packets_received += transport->packets_received.ValueOrDefault(0);
  }
  if (const auto* pair = selected_pair(report)) {
    if (pair->current_round_trip_time.is_defined()) {
      result.round_trip_time_seconds = *pair->current_round_trip_time;
    }
    result.local_candidate = candidate_info(report, pair->local_candidate_id.ValueOrDefault(""));
    result.remote_candidate = candidate_info(report, pair->remote_candidate_id.ValueOrDefault(""));
  }
  return result;
}

class LibwebrtcPeerConnection final : public PeerConnection,
                                      private webrtc::PeerConnectionObserver {
 public:
  explicit LibwebrtcPeerConnection(Callbacks callbacks)
      : callbacks_(std::move(callbacks)), alive_(std::make_shared<bool>(true)) {}

  ~LibwebrtcPeerConnection() override { close(); }

  void open(const PeerConnectionConfig& config) {
    auto& runtime = LibwebrtcRuntime::get();
    webrtc::PeerConnectionDependencies deps(this);
    deps.allocator = std::make_unique<EnginePortAllocator>(runtime, config);
    send_queue_ = std::make_shared<SctpSendQueue>(runtime.network_thread());
    deps.ice_transport_factory = make_ice_transport_factory(
        SctpSettings::for_path(config.same_machine, config.sctp_packet_size), send_queue_);
    auto result = runtime.factory().CreatePeerConnectionOrError(to_rtc_configuration(config),
                                                                std::move(deps));
    if (!result.ok()) {
      throw Error(std::string("could not create the peer connection: ") + result.error().message());
    }
    pc_ = result.MoveValue();
  }

  void set_local_description(Done done) override {
    pc_->SetLocalDescription(rtc::make_ref_counted<SetLocalObserver>(guard(std::move(done))));
  }

  void set_remote_description(const SessionDescription& description, Done done) override {
    auto type = webrtc::SdpTypeFromString(description.type);
    if (!type) {
      done("unknown description type \"" + description.type + "\"");
      return;
    }
    webrtc::SdpParseError parse_error;
    auto parsed = webrtc::CreateSessionDescription(*type, description.sdp, &parse_error);
    if (!parsed) {
      done("the remote SDP could not be parsed (" + parse_error.description + " at \"" +
           parse_error.line.substr(0, 80) + "\")");
      return;
    }
    pc_->SetRemoteDescription(std::move(parsed),
                              rtc::make_ref_counted<SetRemoteObserver>(guard(std::move(done))));
  }

  void add_ice_candidate(const IceCandidate& candidate, Done done) override {
    webrtc::SdpParseError parse_error;
    std::unique_ptr<webrtc::IceCandidateInterface> parsed(webrtc::CreateIceCandidate(
        candidate.sdp_mid, candidate.sdp_mline_index, candidate.candidate, &parse_error));
    if (!parsed) {
      done("the ICE candidate could not be parsed (" + parse_error.description + ")");
      return;
    }
    auto finish = guard(std::move(done));
    pc_->AddIceCandidate(std::move(parsed),
                         [finish](webrtc::RTCError error) { finish(std::move(error)); });
  }

  std::optional<SessionDescription> local_description() const override {
    const auto* description = pc_->local_description();
    if (!description) return std::nullopt;
    SessionDescription result;
    result.type = webrtc::SdpTypeToString(description->GetType());
    description->ToString(&result.sdp);
    return result;
  }

  bool has_remote_description() const override { return pc_->remote_description() != nullptr; }

  SignalingState signaling_state() const override {
    using S = webrtc::PeerConnectionInterface::SignalingState;
    switch (pc_->signaling_state()) {
      case S::kStable: return SignalingState::stable;
      case S::kHaveLocalOffer: return SignalingState::have_local_offer;
      case S::kHaveLocalPrAnswer: return SignalingState::have_local_pranswer;
      case S::kHaveRemoteOffer: return SignalingState::have_remote_offer;
      case S::kHaveRemotePrAnswer: return SignalingState::have_remote_pranswer;
      case S::kClosed: return SignalingState::closed;
    }
    return SignalingState::closed;
  }

  PeerState state() const override { return to_peer_state(pc_->peer_connection_state()); }

  void restart_ice() override { pc_->RestartIce(); }

  void set_configuration(const PeerConnectionConfig& config) override {
    auto rtc = pc_->GetConfiguration();
    auto wanted = to_rtc_configuration(config);
    rtc.servers = wanted.servers;
    rtc.type = wanted.type;
    auto error = pc_->SetConfiguration(rtc);
    if (!error.ok()) {
      throw InvalidOptionError(std::string("the new ICE configuration was refused: ") +
                               error.message());
    }
  }

  std::shared_ptr<DataChannel> create_data_channel(const std::string& label) override {
    webrtc::DataChannelInit init;  // ordered, reliable, in-band negotiated
    auto result = pc_->CreateDataChannelOrError(label, &init);
    if (!result.ok()) {
      throw Error("could not create data channel \"" + label + "\": " + result.error().message());
    }
    return std::make_shared<LibwebrtcDataChannel>(result.MoveValue(), send_queue_);
  }

  void get_stats(std::function<void(ConnectionStats)> done) override {
    std::weak_ptr<bool> alive = alive_;
    pc_->GetStats(
        rtc::make_ref_counted<StatsCallback>([done = std::move(done), alive](const auto& report) {
          done(alive.expired() || !report ? ConnectionStats{} : to_connection_stats(*report));
        }).get());
  }

  void close() override {
    if (!pc_ || closed_) return;
    closed_ = true;
    alive_.reset();
    pc_->Close();
  }

 private:
  // Completion callbacks may arrive after close(); they are dropped then.
  std::function<void(webrtc::RTCError)> guard(Done done) {
    std::weak_ptr<bool> alive = alive_;
    return [alive, done = std::move(done)](webrtc::RTCError error) {
      if (alive.expired()) return;
      done(error.ok() ? std::string() : std::string(error.message()));
    };
  }

  bool active() const { return !closed_; }

  void OnSignalingChange(webrtc::PeerConnectionInterface::SignalingState) override {
    if (active() && pc_ && callbacks_.on_signaling_state) {
      callbacks_.on_signaling_state(signaling_state());
    }
  }

  void OnDataChannel(rtc::scoped_refptr<webrtc::DataChannelInterface> channel) override {
    if (active() && callbacks_.on_data_channel) {
      callbacks_.on_data_channel(
          std::make_shared<LibwebrtcDataChannel>(std::move(channel), send_queue_));
    }
  }

  void OnNegotiationNeededEvent(uint32_t event_id) override {
    if (!active() || !pc_ || !pc_->ShouldFireNegotiationNeededEvent(event_id)) return;
    if (callbacks_.on_negotiation_needed) callbacks_.on_negotiation_needed();
  }

  void OnConnectionChange(webrtc::PeerConnectionInterface::PeerConnectionState state) override {
    if (active() && callbacks_.on_state) callbacks_.on_state(to_peer_state(state));
  }

  void OnIceGatheringChange(webrtc::PeerConnectionInterface::IceGatheringState state) override {
    if (active() && state == webrtc::PeerConnectionInterface::kIceGatheringComplete &&
        callbacks_.on_gathering_complete) {
      callbacks_.on_gathering_complete();
    }
  }

  void OnIceCandidate(const webrtc::IceCandidateInterface* candidate) override {
    if (!active() || !callbacks_.on_ice_candidate) return;
    IceCandidate result;
    candidate->ToString(&result.candidate);
    result.sdp_mid = candidate->sdp_mid();
    result.sdp_mline_index = candidate->sdp_mline_index();
    result.username_fragment = candidate->candidate().username();
    callbacks_.on_ice_candidate(result);
  }

  Callbacks callbacks_;
  std::shared_ptr<bool> alive_;
  std::shared_ptr<SctpSendQueue> send_queue_;
  bool closed_ = false;
  rtc::scoped_refptr<webrtc::PeerConnectionInterface> pc_;
};

}  // namespace

std::unique_ptr<PeerConnection> PeerConnection::create(const PeerConnectionConfig& config,
                                                       Callbacks callbacks) {
  auto connection = std::make_unique<LibwebrtcPeerConnection>(std::move(callbacks));
  connection->open(config);
  return connection;
}

}  // namespace rtcengine::detail
