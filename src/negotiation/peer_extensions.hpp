// What the peer said it understands beyond rtc-engine's protocol. An
// RTCEngine peer announces its extensions in its role message; an
// rtc-engine peer (a browser running the original) announces nothing and so
// is never sent an event or field it does not know.
#pragma once

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

// The key of the announcement in the role message.
inline constexpr const char* kExtensionsKey = "rtcengine";

struct PeerExtensions {
  // `__close` markers before a socket closes (docs/protocol.md).
  bool close_handshake = false;
  // `__transfer`, `__digest`, `__ack`, `__verified`, `__integrity-failed`
  // and the resume offset in `__transaction-ready`.
  bool transfer = false;

  // Reads the announcement of a role message; none at all means none.
  static PeerExtensions from_role_message(const nlohmann::json& message);
  // This engine's announcement: {"extensions": ["close-handshake", "transfer"]}.
  static nlohmann::json announcement();
};

}  // namespace rtcengine::detail
