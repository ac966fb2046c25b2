// Checks and parsers for EngineOptions; every error names the field.
#include "rtcengine/options.hpp"

#include <string>

#include "rtcengine/errors.hpp"

namespace rtcengine {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

void check_ice_url(const std::string& url) {
  if (!(starts_with(url, "stun:") || starts_with(url, "stuns:") || starts_with(url, "turn:") ||
        starts_with(url, "turns:"))) {
    throw InvalidOptionError("ice_servers: \"" + url +
                             "\" is not a STUN or TURN URL (stun:, stuns:, turn:, turns:)");
  }
  if (url.find(':') + 1 >= url.size()) {
    throw InvalidOptionError("ice_servers: \"" + url + "\" has no host");
  }
}

}  // namespace

void EngineOptions::validate() const {
  for (const auto& server : ice_servers) {
    if (server.urls.empty()) throw InvalidOptionError("ice_servers: a server has no urls");
    for (const auto& url : server.urls) {
      check_ice_url(url);
      if (starts_with(url, "turn") && (server.username.empty() || server.credential.empty())) {
        throw InvalidOptionError("ice_servers: TURN server \"" + url +
                                 "\" needs a username and a credential");
      }
    }
  }
  if (role != Role::automatic && role != Role::polite && role != Role::impolite) {
    throw InvalidOptionError("role: " + std::to_string(static_cast<int>(role)) +
                             " is not a role; use automatic, polite or impolite");
  }
  if (ice_policy == IcePolicy::relay && ice_servers.empty()) {
    throw InvalidOptionError("ice_policy: relay needs at least one TURN server in ice_servers");
  }
  for (const auto& name : network_interfaces) {
    if (name.empty()) throw InvalidOptionError("network_interfaces: an interface name is empty");
  }
  if ((port_range_min == 0) != (port_range_max == 0) || port_range_min > port_range_max) {
    throw InvalidOptionError("port_range_min/port_range_max: " + std::to_string(port_range_min) +
                             ".." + std::to_string(port_range_max) +
                             " is not a range; set both (min <= max) or neither");
  }
  // Packets of 2100 bytes stalled the association in our tests: they do not
  // get through libwebrtc's DTLS layer.
  if (sctp_packet_size && (*sctp_packet_size < 1024 || *sctp_packet_size > 2048)) {
    throw InvalidOptionError("sctp_packet_size: " + std::to_string(*sctp_packet_size) +
                             " is outside 1024..2048 bytes");
  }
  if (disconnected_after.count() <= 0) {
    throw InvalidOptionError("disconnected_after: must be positive, got " +
                             std::to_string(disconnected_after.count()) + " ms");
  }
  if (failed_after < disconnected_after) {
    throw InvalidOptionError("failed_after: " + std::to_string(failed_after.count()) +
                             " ms is shorter than disconnected_after (" +
                             std::to_string(disconnected_after.count()) + " ms)");
  }
  if (ice_restart_backoff_initial.count() <= 0 ||
      ice_restart_backoff_max < ice_restart_backoff_initial) {
    throw InvalidOptionError(
        "ice_restart_backoff_initial/ice_restart_backoff_max: need 0 < initial <= max, got " +
        std::to_string(ice_restart_backoff_initial.count()) + " and " +
        std::to_string(ice_restart_backoff_max.count()) + " ms");
  }
}

Role parse_role(std::string_view text) {
  if (text == "polite") return Role::polite;
  if (text == "impolite") return Role::impolite;
  if (text == "automatic" || text == "auto") return Role::automatic;
  throw InvalidOptionError("role: \"" + std::string(text) +
                           "\" is not a role; use \"polite\" or \"impolite\"");
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::automatic: return "automatic";
    case Role::polite: return "polite";
    case Role::impolite: return "impolite";
  }
  return "unknown";
}

IcePolicy parse_ice_policy(std::string_view text) {
  if (text == "all") return IcePolicy::all;
  if (text == "relay") return IcePolicy::relay;
  throw InvalidOptionError("ice_policy: \"" + std::string(text) + "\" is not \"all\" or \"relay\"");
}

LogLevel parse_log_level(std::string_view text) {
  if (text == "none") return LogLevel::none;
  if (text == "error") return LogLevel::error;
  if (text == "warning") return LogLevel::warning;
  if (text == "info") return LogLevel::info;
  if (text == "verbose") return LogLevel::verbose;
  throw InvalidOptionError("log_level: \"" + std::string(text) +
                           "\" is not one of none, error, warning, info, verbose");
}

IceServer parse_ice_server(std::string_view text) {
  // turn:user:secret@host:port  ->  urls turn:host:port, username, credential
  IceServer server;
  std::string value(text);
  auto scheme_end = value.find(':');
  auto at = value.rfind('@');
  if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end) {
    std::string scheme = value.substr(0, scheme_end + 1);
    std::string credentials = value.substr(scheme_end + 1, at - scheme_end - 1);
    auto colon = credentials.find(':');
    if (colon == std::string::npos) {
      throw InvalidOptionError("ice server \"" + value + "\": credentials must be user:password");
    }
    server.username = credentials.substr(0, colon);
    server.credential = credentials.substr(colon + 1);
    value = scheme + value.substr(at + 1);
  }
  check_ice_url(value);
  server.urls.push_back(value);
  return server;
}

}  // namespace rtcengine
