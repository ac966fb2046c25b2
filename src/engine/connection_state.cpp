#include "rtcengine/connection_state.hpp"

namespace rtcengine {

std::string_view to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::inactive: return "inactive";
    case ConnectionState::connecting: return "connecting";
    case ConnectionState::connected: return "connected";
    case ConnectionState::disconnected: return "disconnected";
    case ConnectionState::failed: return "failed";
    case ConnectionState::closed: return "closed";
  }
  return "unknown";
}

}  // namespace rtcengine
