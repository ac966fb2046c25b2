// JSON that comes from outside the process: peers, signaling servers, other
// local users, files in the receive folder. Three traps of nlohmann::json:
// value(key, fallback) throws when the field exists with another type;
// copying or printing a value recurses once per nesting level, so a frame of
// "[[[[..." overflows the stack of whatever copies it; and text size says
// little about memory (60 KB of nested arrays parse into ~2 MB). A throw or
// a stack overflow on the engine's or a signaler's thread ends the process.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

// Deeper than any message of the protocol (descriptions nest 2 levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

struct ParsedJson {
  nlohmann::json value;   // discarded when `error` is set
  std::string error;      // empty on success
  bool too_deep = false;  // the error is the nesting, not the syntax
};

// Parses text unless it is not JSON or nests deeper than `max_depth`; the
// depth is checked before parsing, so hostile nesting costs no allocation.
ParsedJson parse_untrusted_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

struct JsonShape {
  std::size_t bytes = 0;  // approximate heap and node bytes the value holds
  std::size_t depth = 0;  // 1 for a scalar
};

// Measures a parsed value without recursion.
JsonShape measure_json(const nlohmann::json& value);

// The string field `key` of `object`, or `fallback` when absent or not a string.
inline std::string string_field(const nlohmann::json& object, const char* key,
                                std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  auto field = object.find(key);
  return field != object.end() && field->is_string() ? field->get<std::string>() : fallback;
}

// The boolean field `key` of `object`, or `fallback` when absent or not a boolean.
inline bool bool_field(const nlohmann::json& object, const char* key, bool fallback = false) {
  if (!object.is_object()) return fallback;
  auto field = object.find(key);
  return field != object.end() && field->is_boolean() ? field->get<bool>() : fallback;
}

}  // namespace rtcengine::detail
