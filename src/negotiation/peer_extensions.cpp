#include "negotiation/peer_extensions.hpp"

namespace rtcengine::detail {
namespace {

constexpr const char* kCloseHandshake = "close-handshake";
constexpr const char* kTransfer = "transfer";

}  // namespace

PeerExtensions PeerExtensions::from_role_message(const nlohmann::json& message) {
  PeerExtensions extensions;
  auto announced = message.find(kExtensionsKey);
  if (announced == message.end() || !announced->is_object()) return extensions;
  auto list = announced->find("extensions");
  if (list == announced->end() || !list->is_array()) return extensions;
  for (const auto& name : *list) {
    if (name == kCloseHandshake) extensions.close_handshake = true;
    if (name == kTransfer) extensions.transfer = true;
  }
  return extensions;
}

nlohmann::json PeerExtensions::announcement() {
  return {{"extensions", {kCloseHandshake, kTransfer}}};
}

}  // namespace rtcengine::detail
