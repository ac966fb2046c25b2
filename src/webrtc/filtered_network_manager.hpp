// A view of the shared network list limited to one engine's choice of
// interfaces, with loopback only when that engine allows it. libwebrtc's
// BasicPortAllocator gathers candidates only on the networks this returns.
#pragma once

#include <string>
#include <vector>

#include <rtc_base/network.h>
#include <rtc_base/third_party/sigslot/sigslot.h>

namespace rtcengine::detail {

class FilteredNetworkManager final : public rtc::NetworkManager, public sigslot::has_slots<> {
 public:
  FilteredNetworkManager(rtc::NetworkManager& shared, std::vector<std::string> interfaces,
                         bool allow_loopback);
  ~FilteredNetworkManager() override;

  void StartUpdating() override;
  void StopUpdating() override;
  std::vector<const rtc::Network*> GetNetworks() const override;
  std::vector<const rtc::Network*> GetAnyAddressNetworks() override;
  EnumerationPermission enumeration_permission() const override;
  bool GetDefaultLocalAddress(int family, rtc::IPAddress* address) const override;

 private:
  bool accepts(const rtc::Network& network) const;
  void forward_networks_changed() { SignalNetworksChanged(); }
  void forward_error() { SignalError(); }

  rtc::NetworkManager& shared_;
  std::vector<std::string> interfaces_;
  bool allow_loopback_;
  bool updating_ = false;
  bool connected_ = false;  // to the shared manager's signals (network thread)
};

}  // namespace rtcengine::detail
