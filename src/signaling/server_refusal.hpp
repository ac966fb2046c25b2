// What WebSocketSignaler makes of the signaling server's refusals: which
// ones end signaling for good (reported as SignalingError, so the engine
// closes instead of waiting forever) and what the user is told.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace rtcengine::detail {

struct ServerRefusal {
  bool final = false;
  std::string message;
};

class ServerRefusalJudge {
 public:
  using Clock = std::chrono::steady_clock;

  // A reconnecting client may find its own old connection still in the
  // room until the server's keep-alive drops it (60 s); room-full is given
  // this long before it counts as final for a client that was in the room.
  static constexpr std::chrono::seconds kRejoinPatience{70};
  // And at least this many refusals in a row.
  static constexpr int kRoomFullRefusals = 3;

  // `server` is "HOST:PORT", `room` the room's name.
  ServerRefusalJudge(std::string server, std::string room,
                     std::chrono::milliseconds room_full_timeout);

  // The server's "error" event with `code` (other than no-peer) and its text.
  ServerRefusal on_room_error(const std::string& code, const std::string& text,
                              Clock::time_point now = Clock::now());
  // The server answered the WebSocket upgrade with an HTTP status instead;
  // a message that is not final is the reason to retry with.
  ServerRefusal on_http_refusal(int status, const std::string& body) const;
  // The server turned away a third client from our room. Final only while
  // the member with us has sent nothing at all: then it is most likely a
  // squatter holding the room, and the refused client our real peer.
  std::optional<ServerRefusal> on_join_refused(const std::string& code, bool heard_from_peer) const;
  // We are in the room (welcome).
  void on_joined();

 private:
  std::string where() const;

  std::string server_;
  std::string room_;
  std::chrono::milliseconds room_full_timeout_;
  bool joined_before_ = false;
  int room_full_streak_ = 0;
  Clock::time_point room_full_since_;
};

}  // namespace rtcengine::detail
