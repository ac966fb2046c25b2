// The server's own messages to clients: JSON text frames with
// "type":"room", and the WebSocket close code that follows each error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rtcengine::signal_server {

enum class RoomError {
  room_full,
  too_large,
  rate_limited,
  unauthorized,
  wrong_secret,
  server_full,
  bad_message,
  slow_consumer,
  shutting_down,
  idle,
  no_peer,  // the only error that does not close the connection
};

// The "code" field, e.g. "room-full".
std::string_view error_code(RoomError error);
// The WebSocket close code sent after the error (RFC 6455 section 7.4.1).
std::uint16_t close_code(RoomError error);

std::string welcome_message(bool peer_present);
std::string peer_joined_message();
std::string peer_left_message();
// Tells the members of a room that a third client was turned away, so a
// member paired with a silent squatter learns that its real peer is locked out.
std::string join_refused_message(RoomError error);
std::string error_message(RoomError error, std::string_view text);

}  // namespace rtcengine::signal_server
