// What every session of one server shares: the options, the rooms, the log,
// the connection counts and the set of WebSocket members (for /healthz and
// shutdown).
// Only touched from the server's single io_context thread, so no locks.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "connection_limits.hpp"
#include "event_log.hpp"
#include "member.hpp"
#include "room_registry.hpp"
#include "server_options.hpp"

namespace rtcengine::signal_server {

class Hub {
 public:
  explicit Hub(const ServerOptions& server_options)
      : options(server_options),
        log(server_options.quiet),
        rooms(server_options.max_rooms),
        limits(server_options) {}

  const ServerOptions& options;
  EventLog log;
  RoomRegistry rooms;
  ConnectionLimits limits;
  bool shutting_down = false;

  std::uint64_t next_member_id() { return next_id_++; }
  void add(Member& member) { members_.insert(&member); }
  void remove(Member& member) { members_.erase(&member); }
  // WebSocket members (limits.open() counts every connection).
  std::size_t connections() const { return members_.size(); }
  std::vector<Member*> members() const { return {members_.begin(), members_.end()}; }

  // The body of GET /healthz.
  std::string health() const {
    return nlohmann::ordered_json{
        {"status", "ok"}, {"rooms", rooms.size()}, {"connections", connections()}}
        .dump();
  }

 private:
  std::unordered_set<Member*> members_;
  std::uint64_t next_id_ = 1;
};

}  // namespace rtcengine::signal_server
