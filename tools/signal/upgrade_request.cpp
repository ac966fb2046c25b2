#include "upgrade_request.hpp"

#include <openssl/crypto.h>

namespace rtcengine::signal_server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Query values are percent-encoded ("+" is a space, as browsers send forms).
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

bool is_valid_room_name(std::string_view room) {
  if (room.empty() || room.size() > 64) return false;
  // "." and ".." (and longer runs of dots) read as paths to whoever maps
  // rooms to files or URLs, and proxies may rewrite them.
  if (room.find_first_not_of('.') == std::string_view::npos) return false;
  for (char c : room) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<UpgradeRequest> parse_upgrade_request(std::string_view target,
                                                    std::string_view authorization) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::string_view path = target.substr(1);
  std::string_view query;
  if (auto mark = path.find('?'); mark != std::string_view::npos) {
    query = path.substr(mark + 1);
    path = path.substr(0, mark);
  }
  if (!is_valid_room_name(path)) return std::nullopt;

  UpgradeRequest request;
  request.room = path;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (name == "token") request.token = value;
    if (name == "secret") request.secret = value;
  }
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.substr(0, bearer.size()) == bearer) {
    request.token = std::string(authorization.substr(bearer.size()));
  }
  return request;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rtcengine::signal_server
