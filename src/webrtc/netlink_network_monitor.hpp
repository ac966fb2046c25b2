// Tells libwebrtc the moment an interface or address changes, from the
// kernel's rtnetlink notifications, instead of its 2-second polling: a link
// that comes back is usable again in milliseconds.
#pragma once

#include <memory>

#include <rtc_base/network_monitor_factory.h>
#include <rtc_base/physical_socket_server.h>

namespace rtcengine::detail {

// Monitors made here watch the socket on `server`'s thread (the network
// thread), so no thread is added.
std::unique_ptr<rtc::NetworkMonitorFactory> make_netlink_network_monitor_factory(
    rtc::PhysicalSocketServer& server);

}  // namespace rtcengine::detail
