#include "webrtc/netlink_network_monitor.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <rtc_base/network_monitor.h>

// Debian's tg_owt leaves out network_monitor_factory.cc, whose whole content
// is these two defaulted members; without them no factory can be made.
rtc::NetworkMonitorFactory::NetworkMonitorFactory() = default;
rtc::NetworkMonitorFactory::~NetworkMonitorFactory() = default;

namespace rtcengine::detail {
namespace {

class NetlinkNetworkMonitor final : public rtc::NetworkMonitorInterface, public rtc::Dispatcher {
 public:
  explicit NetlinkNetworkMonitor(rtc::PhysicalSocketServer& server) : server_(server) {}
  ~NetlinkNetworkMonitor() override { Stop(); }

  void Start() override {
    if (fd_ >= 0) return;
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) return;  // libwebrtc's polling still notices changes, later
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    server_.Add(this);
  }

  void Stop() override {
    if (fd_ < 0) return;
    server_.Remove(this);
    close(fd_);
    fd_ = -1;
  }

  InterfaceInfo GetInterfaceInfo(absl::string_view) override {
    // Unknown lets libwebrtc classify the interface by its name, as it does
    // without a monitor.
    return InterfaceInfo{.adapter_type = rtc::ADAPTER_TYPE_UNKNOWN};
  }

  // rtc::Dispatcher, called on the network thread.
  uint32_t GetRequestedEvents() override { return rtc::DE_READ; }

  void OnEvent(uint32_t, int) override {
    // The content does not matter: libwebrtc enumerates the interfaces again.
    // A full receive buffer (ENOBUFS) means notifications were lost, which
    // is a change too.
    bool changed = false;
    char buffer[8192];
    while (true) {
      auto got = recv(fd_, buffer, sizeof buffer, 0);
      if (got > 0 || (got < 0 && errno == ENOBUFS)) {
        changed = true;
        continue;
      }
      break;
    }
    if (changed) InvokeNetworksChangedCallback();
  }

  int GetDescriptor() override { return fd_; }
  bool IsDescriptorClosed() override { return false; }

 private:
  rtc::PhysicalSocketServer& server_;
  int fd_ = -1;
};

class NetlinkNetworkMonitorFactory final : public rtc::NetworkMonitorFactory {
 public:
  explicit NetlinkNetworkMonitorFactory(rtc::PhysicalSocketServer& server) : server_(server) {}

  rtc::NetworkMonitorInterface* CreateNetworkMonitor(const webrtc::FieldTrialsView&) override {
    return new NetlinkNetworkMonitor(server_);
  }

 private:
  rtc::PhysicalSocketServer& server_;
};

}  // namespace

std::unique_ptr<rtc::NetworkMonitorFactory> make_netlink_network_monitor_factory(
    rtc::PhysicalSocketServer& server) {
  return std::make_unique<NetlinkNetworkMonitorFactory>(server);
}

}  // namespace rtcengine::detail
