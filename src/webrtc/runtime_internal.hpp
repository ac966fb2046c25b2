// What the adapter's own files need from the runtime: the libwebrtc objects.
// Included only inside src/webrtc/.
#pragma once

#include <memory>

#include <api/peer_connection_interface.h>
#include <p2p/base/basic_packet_socket_factory.h>
#include <rtc_base/network.h>
#include <rtc_base/network_monitor_factory.h>
#include <rtc_base/thread.h>

#include "webrtc/runtime.hpp"

namespace rtcengine::detail {

class LibwebrtcRuntime final : public Runtime {
 public:
  LibwebrtcRuntime();
  EventLoop& loop() override;
  void request_log_level(LogLevel level) override;

  webrtc::PeerConnectionFactoryInterface& factory() { return *factory_; }
  rtc::Thread& network_thread() { return *network_thread_; }
  rtc::Thread& signaling_thread() { return *signaling_thread_; }
  // Both live on the network thread and are shared by every connection.
  rtc::NetworkManager& network_manager() { return *network_manager_; }
  rtc::PacketSocketFactory& socket_factory() { return *socket_factory_; }

  static LibwebrtcRuntime& get();

 private:
  std::unique_ptr<rtc::Thread> network_thread_;
  std::unique_ptr<rtc::Thread> worker_thread_;
  std::unique_ptr<rtc::Thread> signaling_thread_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<rtc::NetworkMonitorFactory> network_monitor_factory_;
  std::unique_ptr<rtc::BasicNetworkManager> network_manager_;
  std::unique_ptr<rtc::BasicPacketSocketFactory> socket_factory_;
  rtc::scoped_refptr<webrtc::PeerConnectionFactoryInterface> factory_;
  int log_level_ = -1;
};

}  // namespace rtcengine::detail
