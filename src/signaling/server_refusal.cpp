#include "signaling/server_refusal.hpp"

#include <algorithm>
#include <string_view>

namespace rtcengine::detail {

namespace {

// What the server says reaches a terminal: at most 200 bytes, with control
// characters (C0, DEL, and C1 as UTF-8, which some terminals obey) as '?'.
std::string printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < 200; ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    bool c1 = byte == 0xC2 && i + 1 < text.size() &&
              static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (byte < 0x20 || byte == 0x7F || c1) {
      out += '?';
      i += c1 ? 1 : 0;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

ServerRefusalJudge::ServerRefusalJudge(std::string server, std::string room,
                                       std::chrono::milliseconds room_full_timeout)
    : server_(std::move(server)), room_(std::move(room)), room_full_timeout_(room_full_timeout) {}

std::string ServerRefusalJudge::where() const {
  return "signaling server " + server_ + ", room \"" + room_ + "\"";
}

void ServerRefusalJudge::on_joined() {
  joined_before_ = true;
  room_full_streak_ = 0;
}

ServerRefusal ServerRefusalJudge::on_room_error(const std::string& code, const std::string& text,
                                                Clock::time_point now) {
  std::string said = printable(text.empty() ? code : code + ": " + text);
  if (code == "wrong-secret") {
    return {true, where() + ": " + said +
                      ". Either the peer uses another room secret, or someone else opened this "
                      "room first; check the secret, or pick a room name others cannot guess"};
  }
  if (code == "unauthorized") {
    return {true, where() + ": " + said + ". Check the token the server expects"};
  }
  if (code == "bad-message") {
    return {true,
            where() + ": " + said + " (a message of ours was refused; retrying would repeat it)"};
  }
  if (code != "room-full") return {false, where() + ": " + said + " (reconnecting)"};

  if (room_full_streak_++ == 0) room_full_since_ = now;
  auto patience = joined_before_
                      ? std::max<std::chrono::milliseconds>(room_full_timeout_, kRejoinPatience)
                      : room_full_timeout_;
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - room_full_since_);
  if (room_full_streak_ >= kRoomFullRefusals && now - room_full_since_ >= patience) {
    return {true, where() + ": still full after " + std::to_string(waited.count()) + " s and " +
                      std::to_string(room_full_streak_) + " tries (" + said +
                      "). Two other clients hold it: someone else is probably using this room "
                      "name; pick a room name others cannot guess"};
  }
  return {false,
          where() + ": " + said + " (retrying for up to " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(patience).count()) +
              " s)"};
}

ServerRefusal ServerRefusalJudge::on_http_refusal(int status, const std::string& body) const {
  std::string said = "HTTP " + std::to_string(status);
  std::string text = body.substr(0, 200);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!text.empty()) said += ": " + printable(text);
  // 408 and 429 say "later"; other 4xx say "never like this" (bad room
  // name, wrong path, headers too large); 5xx is the server's own trouble.
  bool final = status >= 400 && status < 500 && status != 408 && status != 429;
  if (!final) return {false, "the server refused the connection: " + said};
  return {true, "signaling server " + server_ + " refused the connection: " + said};
}

std::optional<ServerRefusal> ServerRefusalJudge::on_join_refused(const std::string& code,
                                                                 bool heard_from_peer) const {
  if (code != "room-full") return std::nullopt;
  std::string happened = where() + ": another client tried to join and was turned away (room-full)";
  if (heard_from_peer) {
    return ServerRefusal{false, happened + "; the member with us is already talking, so we stay"};
  }
  return ServerRefusal{true, happened + ", while the member with us has sent nothing at all: "
                                        "someone else is probably holding this room and the "
                                        "client turned away is your peer; pick a room name "
                                        "others cannot guess"};
}

}  // namespace rtcengine::detail
