// What a client asks for in its HTTP request: the room (from the path), the
// token (query or Authorization header) and the room secret (query).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcengine::signal_server {

struct UpgradeRequest {
  std::string room;
  std::string token;
  std::string secret;
};

// 1 to 64 characters of [A-Za-z0-9._-], not only dots: safe in logs, paths
// and URLs as is.
bool is_valid_room_name(std::string_view room);

// Parses "/ROOM?token=T&secret=S"; nullopt when the room name is invalid.
// `authorization` is the Authorization header, if any ("Bearer T").
std::optional<UpgradeRequest> parse_upgrade_request(std::string_view target,
                                                    std::string_view authorization);

// Compares secrets in constant time, so timing does not reveal a prefix.
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace rtcengine::signal_server
