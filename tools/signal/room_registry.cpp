#include "room_registry.hpp"

#include "upgrade_request.hpp"

namespace rtcengine::signal_server {

Member* Room::peer_of(const Member* member) const {
  if (members[0] == member) return members[1];
  if (members[1] == member) return members[0];
  return nullptr;
}

RoomRegistry::JoinResult RoomRegistry::join(const std::string& name, const std::string& secret,
                                            Member& member) {
  auto found = rooms_.find(name);
  if (found == rooms_.end()) {
    if (rooms_.size() >= max_rooms_) return {Outcome::too_many_rooms};
    Room& room = rooms_[name];
    room.name = name;
    room.secret = secret;
    room.members[0] = &member;
    room.last_relay = std::chrono::steady_clock::now();
    return {Outcome::joined, &room};
  }
  Room& room = found->second;
  if (room.members[0] && room.members[1]) return {Outcome::room_full, &room};
  if (!secrets_equal(room.secret, secret)) return {Outcome::wrong_secret};
  (room.members[0] ? room.members[1] : room.members[0]) = &member;
  return {Outcome::joined, &room};
}

void RoomRegistry::leave(Room& room, Member& member) {
  for (auto& slot : room.members) {
    if (slot == &member) slot = nullptr;
  }
  if (!room.members[0] && !room.members[1]) rooms_.erase(room.name);
}

std::vector<Member*> RoomRegistry::members_of_rooms_idle_since(
    std::chrono::steady_clock::time_point cutoff) const {
  std::vector<Member*> idle;
  for (const auto& [name, room] : rooms_) {
    if (room.last_relay >= cutoff) continue;
    for (Member* member : room.members) {
      if (member) idle.push_back(member);
    }
  }
  return idle;
}

}  // namespace rtcengine::signal_server
