#include "webrtc/sctp_factory.hpp"

#include <media/sctp/dcsctp_transport.h>
#include <net/dcsctp/public/dcsctp_socket_factory.h>
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

class ShortBackoffSocketFactory final : public dcsctp::DcSctpSocketFactory {
 public:
  std::unique_ptr<dcsctp::DcSctpSocketInterface> Create(
      absl::string_view log_prefix,
      dcsctp::DcSctpSocketCallbacks& callbacks,
      std::unique_ptr<dcsctp::PacketObserver> packet_observer,
      const dcsctp::DcSctpOptions& options) override {
    dcsctp::DcSctpOptions tuned = options;
    tuned.max_timer_backoff_duration = kMaxRetransmitBackoff;
    return DcSctpSocketFactory::Create(log_prefix, callbacks, std::move(packet_observer), tuned);
  }
};

class SctpFactory final : public webrtc::SctpTransportFactoryInterface {
 public:
  explicit SctpFactory(rtc::Thread& network_thread) : network_thread_(network_thread) {}

  std::unique_ptr<cricket::SctpTransportInternal> CreateSctpTransport(
      rtc::PacketTransportInternal* transport) override {
    return std::make_unique<webrtc::DcSctpTransport>(
        &network_thread_, transport, webrtc::Clock::GetRealTimeClock(),
        std::make_unique<ShortBackoffSocketFactory>());
  }

 private:
  rtc::Thread& network_thread_;
};

}  // namespace

std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread) {
  return std::make_unique<SctpFactory>(network_thread);
}

}  // namespace rtcengine::detail
