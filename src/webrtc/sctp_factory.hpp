// The SCTP transport every connection of the runtime uses: libwebrtc's own
// dcsctp transport, with the timer settings a data engine wants.
#pragma once

#include <memory>

#include <api/transport/sctp_transport_factory_interface.h>
#include <rtc_base/thread.h>

namespace rtcengine::detail {

std::unique_ptr<webrtc::SctpTransportFactoryInterface> make_sctp_factory(
    rtc::Thread& network_thread);

}  // namespace rtcengine::detail
