#include "webrtc/sctp_factory.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include <media/sctp/dcsctp_transport.h>
#include <media/sctp/sctp_transport_internal.h>
#include <net/dcsctp/public/dcsctp_socket_factory.h>
#include <p2p/base/default_ice_transport_factory.h>
#include <p2p/base/dtls_transport_internal.h>
#include <system_wrappers/include/clock.h>

namespace rtcengine::detail {
namespace {

// libwebrtc lets SCTP's retransmission timer back off to 3 s while a path is
// down. When the path returns, ICE is connected again within milliseconds but
// data waits for that timer's next expiry: up to 3 s of silence after every
// outage. Capping the backoff at 500 ms costs one small retransmission per
// half second during an outage and lets data flow within about that much
// after the path is back.
constexpr dcsctp::DurationMs kMaxRetransmitBackoff(500);

// This libwebrtc's data channels take stream ids up to 1023 only
// (cricket::kMaxSctpSid); a channel the peer opens on a higher id is dropped
// without a word. dcsctp announces 65,535 streams all the same, so a browser
// with more than 512 channels of its own picks ids above 1023 and its channels
// hang (seen with 10,000 channels from Chromium: 5,000 open there, 1,144 seen
// here). Announcing what the channels can use makes the peer refuse its
// channel 1,025 itself, where its user sees it.
constexpr std::uint16_t kUsableStreams = cricket::kMaxSctpStreams;

// What a connection asked of its SCTP transport: settings, and the send
// queue view to hand its socket to.
struct ConnectionSctp {
  SctpSettings settings;
  std::shared_ptr<SctpSendQueue> send_queue;
};

// Each live ICE transport's connection. Entries carry the factory that made
// them, which removes only its own: a freed transport's address may already
// belong to a newer connection.
class SctpByTransport {
 public:
  static SctpByTransport& get() {
    static auto* all = new SctpByTransport();  // used from libwebrtc threads until exit
    return *all;
  }

  void add(const void* ice_transport, const void* owner, ConnectionSctp sctp) {
    std::lock_guard lock(mutex_);
    entries_[ice_transport] = {owner, std::move(sctp)};
  }

  void remove_owner(const void* owner) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [owner](const auto& entry) { return entry.second.first == owner; });
  }

  ConnectionSctp find(const void* ice_transport) const {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(ice_transport);
    return found == entries_.end() ? ConnectionSctp{} : found->second.second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<const void*, std::pair<const void*, ConnectionSctp>> entries_;
};

class TunedSocketFactory final : public dcsctp::DcSctpSocketFactory {
 public:
  explicit TunedSocketFactory(ConnectionSctp sctp)
      : settings_(sctp.settings), send_queue_(std::move(sctp.send_queue)) {}

  std::unique_ptr<dcsctp::DcSctpSocketInterface> Create(
      absl::string_view log_prefix, dcsctp::DcSctpSocketCallbacks& callbacks,
      std::unique_ptr<dcsctp::PacketObserver> packet_observer,
      const dcsctp::DcSctpOptions& options) override {
    dcsctp::DcSctpOptions tuned = options;
    tuned.max_timer_backoff_duration = kMaxRetransmitBackoff;
    tuned.mtu = settings_.packet_size;
    tuned.max_receiver_window_buffer_size = settings_.receive_window;
    tuned.announced_maximum_incoming_streams = kUsableStreams;
    tuned.announced_maximum_outgoing_streams = kUsableStreams;
    return observe_send_queue(
        DcSctpSocketFactory::Create(log_prefix, callbacks, std::move(packet_observer), tuned),
        send_queue_);
  }

 private:
  SctpSettings settings_;
  std::shared_ptr<SctpSendQueue> send_queue_;
};

class SctpFactory final : public webrtc::SctpTransportFactoryInterface {
 public:
  explicit SctpFactory(rtc::Thread& network_thread) : network_thread_(network_thread) {}

  std::unique_ptr<cricket::SctpTransportInternal> CreateSctpTransport(
      rtc::PacketTransportInternal* transport) override {
    // libwebrtc runs SCTP over the connection's DTLS transport, always.
    auto* dtls = static_cast<cricket::DtlsTransportInternal*>(transport);
    auto sctp = SctpByTransport::get().find(dtls->ice_transport());
    return std::make_unique<webrtc::DcSctpTransport>(
        &network_thread_, transport, webrtc::Clock::GetRealTimeClock(),
        std::make_unique<TunedSocketFactory>(std::move(sctp)));
  }

 private:
  rtc::Thread& network_thread_;
};

class RecordingIceTransportFactory final : public webrtc::IceTransportFactory {
 public:
  explicit RecordingIceTransportFactory(ConnectionSctp sctp) : sctp_(std::move(sctp)) {}
  ~RecordingIceTransportFactory() override { SctpByTransport::get().remove_owner(this); }

  rtc::scoped_refptr<webrtc::IceTransportInterface> CreateIceTransport(
      const std::string& transport_name, int component, webrtc::IceTransportInit init) override {
    auto transport = default_.CreateIceTransport(transport_name, component, std::move(init));
    SctpByTransport::get().add(transport->internal(), this, sctp_);
    if (sctp_.settings.udp_receive_buffer > 0) {
      // Every socket of this transport, now and after ICE restarts.
      transport->internal()->SetOption(rtc::Socket::OPT_RCVBUF, sctp_.settings.udp_receive_buffer);
    }
    return transport;
  }

 private:
  webrtc::DefaultIceTransportFactory default_;
  ConnectionSctp sctp_;
};

}  // namespace

SctpSettings SctpSettings::for_path(bool same_machine, std::optional<std::size_t> packet_size) {
  SctpSettings settings;
  if (same_machine) {
    // Loopback carries 2 KiB packets whole: fewer packets, fewer system calls.
    settings.packet_size = 2048;
    // On loopback the sender's process outruns the receiver's for moments:
    // the default 208 KiB UDP buffer overflows, and each drop can cost SCTP a
    // 400 ms retransmission timeout. A larger buffer ends the drops, but then
    // SCTP's window grows to the 5 MiB receive window, and Debian's
    // libwebrtc, built with DCHECKs, checks all outstanding data on every
    // acknowledgement: 60 % of the CPU at that window. 512 KiB is plenty for
    // a path with a sub-millisecond round trip.
    settings.receive_window = 512 * 1024;
    settings.udp_receive_buffer = 2 * 1024 * 1024;
  }
  if (packet_size) settings.packet_size = *packet_size;
  return settings;
}

std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread) {
  return std::make_unique<SctpFactory>(network_thread);
}

std::unique_ptr<webrtc::IceTransportFactory> make_ice_transport_factory(
    SctpSettings settings, std::shared_ptr<SctpSendQueue> send_queue) {
  return std::make_unique<RecordingIceTransportFactory>(
      ConnectionSctp{settings, std::move(send_queue)});
}

}  // namespace rtcengine::detail
