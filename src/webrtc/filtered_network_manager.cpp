#include "webrtc/filtered_network_manager.hpp"

#include <algorithm>

namespace rtcengine::detail {

FilteredNetworkManager::FilteredNetworkManager(rtc::NetworkManager& shared,
                                               std::vector<std::string> interfaces,
                                               bool allow_loopback)
    : shared_(shared), interfaces_(std::move(interfaces)), allow_loopback_(allow_loopback) {}

FilteredNetworkManager::~FilteredNetworkManager() {
  if (updating_) shared_.StopUpdating();
}

void FilteredNetworkManager::StartUpdating() {
  // Connected here, on the network thread that emits these signals: sigslot
  // is single-threaded, and the constructor runs on the signaling thread
  // while other connections' updates are emitted (ThreadSanitizer found it).
  if (!connected_) {
    connected_ = true;
    shared_.SignalNetworksChanged.connect(this, &FilteredNetworkManager::forward_networks_changed);
    shared_.SignalError.connect(this, &FilteredNetworkManager::forward_error);
  }
  updating_ = true;
  shared_.StartUpdating();
}

void FilteredNetworkManager::StopUpdating() {
  if (!updating_) return;
  updating_ = false;
  shared_.StopUpdating();
}

bool FilteredNetworkManager::accepts(const rtc::Network& network) const {
  if (network.type() == rtc::ADAPTER_TYPE_LOOPBACK && !allow_loopback_) return false;
  if (interfaces_.empty()) return true;
  return std::find(interfaces_.begin(), interfaces_.end(), network.name()) != interfaces_.end();
}

std::vector<const rtc::Network*> FilteredNetworkManager::GetNetworks() const {
  std::vector<const rtc::Network*> networks;
  for (const rtc::Network* network : shared_.GetNetworks()) {
    if (accepts(*network)) networks.push_back(network);
  }
  return networks;
}

std::vector<const rtc::Network*> FilteredNetworkManager::GetAnyAddressNetworks() {
  // The "any address" fallback would bypass the interface choice.
  if (!interfaces_.empty()) return {};
  return shared_.GetAnyAddressNetworks();
}

rtc::NetworkManager::EnumerationPermission FilteredNetworkManager::enumeration_permission() const {
  return shared_.enumeration_permission();
}

bool FilteredNetworkManager::GetDefaultLocalAddress(int family, rtc::IPAddress* address) const {
  return shared_.GetDefaultLocalAddress(family, address);
}

}  // namespace rtcengine::detail
