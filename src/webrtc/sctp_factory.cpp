#include "webrtc/sctp_factory.hpp"

#include <map>
#include <mutex>
#include <utility>

#include <media/sctp/dcsctp_transport.h>
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

// Which packet size each live ICE transport's connection asked for. Entries
// carry the factory that made them, which removes only its own: a freed
// transport's address may already belong to a newer connection.
class PacketSizes {
 public:
  static PacketSizes& get() {
    static auto* sizes = new PacketSizes();  // used from libwebrtc threads until exit
    return *sizes;
  }

  void add(const void* ice_transport, const void* owner, std::size_t size) {
    std::lock_guard lock(mutex_);
    sizes_[ice_transport] = {owner, size};
  }

  void remove_owner(const void* owner) {
    std::lock_guard lock(mutex_);
    std::erase_if(sizes_, [owner](const auto& entry) { return entry.second.first == owner; });
  }

  std::size_t find(const void* ice_transport) const {
    std::lock_guard lock(mutex_);
    auto found = sizes_.find(ice_transport);
    return found == sizes_.end() ? kDefaultSctpPacketSize : found->second.second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<const void*, std::pair<const void*, std::size_t>> sizes_;
};

class TunedSocketFactory final : public dcsctp::DcSctpSocketFactory {
 public:
  explicit TunedSocketFactory(std::size_t packet_size) : packet_size_(packet_size) {}

  std::unique_ptr<dcsctp::DcSctpSocketInterface> Create(
      absl::string_view log_prefix,
      dcsctp::DcSctpSocketCallbacks& callbacks,
      std::unique_ptr<dcsctp::PacketObserver> packet_observer,
      const dcsctp::DcSctpOptions& options) override {
    dcsctp::DcSctpOptions tuned = options;
    tuned.max_timer_backoff_duration = kMaxRetransmitBackoff;
    tuned.mtu = packet_size_;
    return DcSctpSocketFactory::Create(log_prefix, callbacks, std::move(packet_observer), tuned);
  }

 private:
  std::size_t packet_size_;
};

class SctpFactory final : public webrtc::SctpTransportFactoryInterface {
 public:
  explicit SctpFactory(rtc::Thread& network_thread) : network_thread_(network_thread) {}

  std::unique_ptr<cricket::SctpTransportInternal> CreateSctpTransport(
      rtc::PacketTransportInternal* transport) override {
    // libwebrtc runs SCTP over the connection's DTLS transport, always.
    auto* dtls = static_cast<cricket::DtlsTransportInternal*>(transport);
    auto packet_size = PacketSizes::get().find(dtls->ice_transport());
    return std::make_unique<webrtc::DcSctpTransport>(
        &network_thread_, transport, webrtc::Clock::GetRealTimeClock(),
        std::make_unique<TunedSocketFactory>(packet_size));
  }

 private:
  rtc::Thread& network_thread_;
};

class RecordingIceTransportFactory final : public webrtc::IceTransportFactory {
 public:
  explicit RecordingIceTransportFactory(std::size_t sctp_packet_size)
      : sctp_packet_size_(sctp_packet_size) {}
  ~RecordingIceTransportFactory() override { PacketSizes::get().remove_owner(this); }

  rtc::scoped_refptr<webrtc::IceTransportInterface> CreateIceTransport(
      const std::string& transport_name, int component, webrtc::IceTransportInit init) override {
    auto transport = default_.CreateIceTransport(transport_name, component, std::move(init));
    PacketSizes::get().add(transport->internal(), this, sctp_packet_size_);
    return transport;
  }

 private:
  webrtc::DefaultIceTransportFactory default_;
  std::size_t sctp_packet_size_;
};

}  // namespace

std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread) {
  return std::make_unique<SctpFactory>(network_thread);
}

std::unique_ptr<webrtc::IceTransportFactory> make_ice_transport_factory(
    std::size_t sctp_packet_size) {
  return std::make_unique<RecordingIceTransportFactory>(sctp_packet_size);
}

}  // namespace rtcengine::detail
