// Rooms by name: at most two members each, an optional secret fixed by the
// first joiner, and the time of the last relayed message (for idle rooms).
// A room exists while it has a member.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "member.hpp"

namespace rtcengine::signal_server {

struct Room {
  std::string name;
  std::string secret;
  std::array<Member*, 2> members{};
  std::chrono::steady_clock::time_point last_relay;

  // The other member, or nullptr while `member` is alone.
  Member* peer_of(const Member* member) const;
};

class RoomRegistry {
 public:
  enum class Outcome { joined, room_full, wrong_secret, too_many_rooms };
  struct JoinResult {
    Outcome outcome;
    Room* room = nullptr;  // set when joined or full; stable until the room empties
  };

  explicit RoomRegistry(std::size_t max_rooms) : max_rooms_(max_rooms) {}

  JoinResult join(const std::string& name, const std::string& secret, Member& member);
  // Removes `member`; the room goes away with its last member.
  void leave(Room& room, Member& member);
  // Members of rooms without a relayed message since `cutoff`.
  std::vector<Member*> members_of_rooms_idle_since(
      std::chrono::steady_clock::time_point cutoff) const;
  std::size_t size() const { return rooms_.size(); }

 private:
  std::size_t max_rooms_;
  // unordered_map keeps references to its values valid across rehashing,
  // so members may hold a Room* while other rooms come and go.
  std::unordered_map<std::string, Room> rooms_;
};

}  // namespace rtcengine::signal_server
