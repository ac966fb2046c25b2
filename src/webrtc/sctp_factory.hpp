// The SCTP transport every connection of the runtime uses: libwebrtc's own
// dcsctp transport, with the timer settings a data engine wants and the
// packet size each engine asked for.
#pragma once

#include <cstddef>
#include <memory>

#include <api/ice_transport_interface.h>
#include <api/transport/sctp_transport_factory_interface.h>
#include <rtc_base/thread.h>

namespace rtcengine::detail {

// SCTP's default packet size, safe on any path (libwebrtc's and browsers').
constexpr std::size_t kDefaultSctpPacketSize = 1191;

// One for the whole runtime (PeerConnectionFactoryDependencies::sctp_factory).
std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread);

// One per peer connection (PeerConnectionDependencies::ice_transport_factory):
// the SCTP factory sees only the transport it runs on, so the ICE transports
// made here are how it finds the packet size of their connection.
std::unique_ptr<webrtc::IceTransportFactory> make_ice_transport_factory(
    std::size_t sctp_packet_size);

}  // namespace rtcengine::detail
