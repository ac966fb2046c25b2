#include "transaction/transfer_events.hpp"

#include "util/log.hpp"

namespace rtcengine::detail {

bool tell(Socket& socket, const char* event, const Json& payload) {
  try {
    socket.write_event(event, payload);
    return true;
  } catch (const Error& error) {
    RTCENGINE_LOG(verbose, "transaction " << socket.label() << ": " << event
                                          << " not sent: " << error.what());
    return false;
  }
}

std::string reason_of(const Json& payload, const char* fallback) {
  if (payload.is_string()) return payload.get<std::string>();
  if (payload.is_null()) return fallback;
  return payload.dump();
}

}  // namespace rtcengine::detail
