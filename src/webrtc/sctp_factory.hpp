// The SCTP transport every connection of the runtime uses: libwebrtc's own
// dcsctp transport, with the timer settings a data engine wants and the
// packet size each engine asked for.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include <api/ice_transport_interface.h>
#include <api/transport/sctp_transport_factory_interface.h>
#include <rtc_base/thread.h>

#include "webrtc/sctp_send_queue.hpp"

namespace rtcengine::detail {

// What one connection's SCTP and UDP sockets use.
struct SctpSettings {
  std::size_t packet_size = 1191;                // SCTP's default, safe on any path
  std::size_t receive_window = 5 * 1024 * 1024;  // libwebrtc's default
  int udp_receive_buffer = 0;                    // 0: the system's default

  // The settings for a path; `packet_size`, when given, overrides the path's.
  static SctpSettings for_path(bool same_machine, std::optional<std::size_t> packet_size);
};

// One for the whole runtime (PeerConnectionFactoryDependencies::sctp_factory).
std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread);

// One per peer connection (PeerConnectionDependencies::ice_transport_factory):
// the SCTP factory sees only the transport it runs on, so the ICE transports
// made here are how it finds the settings of their connection.
// `send_queue` learns the connection's SCTP socket.
std::unique_ptr<webrtc::IceTransportFactory> make_ice_transport_factory(
    SctpSettings settings, std::shared_ptr<SctpSendQueue> send_queue);

}  // namespace rtcengine::detail
