#include "control_message.hpp"

#include <nlohmann/json.hpp>

namespace rtcengine::signal_server {

std::string_view error_code(RoomError error) {
  switch (error) {
    case RoomError::room_full: return "room-full";
    case RoomError::too_large: return "too-large";
    case RoomError::rate_limited: return "rate-limited";
    case RoomError::unauthorized: return "unauthorized";
    case RoomError::wrong_secret: return "wrong-secret";
    case RoomError::server_full: return "server-full";
    case RoomError::bad_message: return "bad-message";
    case RoomError::slow_consumer: return "slow-consumer";
    case RoomError::shutting_down: return "shutting-down";
    case RoomError::idle: return "idle";
    case RoomError::no_peer: return "no-peer";
  }
  return "unknown";
}

std::uint16_t close_code(RoomError error) {
  constexpr std::uint16_t going_away = 1001, unsupported_data = 1003, policy_violation = 1008,
                          message_too_big = 1009, try_again_later = 1013;
  switch (error) {
    case RoomError::too_large: return message_too_big;
    case RoomError::bad_message: return unsupported_data;
    case RoomError::server_full: return try_again_later;
    case RoomError::shutting_down:
    case RoomError::idle: return going_away;
    default: return policy_violation;
  }
}

std::string welcome_message(bool peer_present) {
  return nlohmann::ordered_json{
      {"type", "room"}, {"event", "welcome"}, {"peer_present", peer_present}}
      .dump();
}

std::string peer_joined_message() {
  return nlohmann::ordered_json{{"type", "room"}, {"event", "peer-joined"}}.dump();
}

std::string peer_left_message() {
  return nlohmann::ordered_json{{"type", "room"}, {"event", "peer-left"}}.dump();
}

std::string join_refused_message(RoomError error) {
  return nlohmann::ordered_json{
      {"type", "room"}, {"event", "join-refused"}, {"code", error_code(error)}}
      .dump();
}

std::string error_message(RoomError error, std::string_view text) {
  return nlohmann::ordered_json{
      {"type", "room"}, {"event", "error"}, {"code", error_code(error)}, {"message", text}}
      .dump();
}

}  // namespace rtcengine::signal_server
