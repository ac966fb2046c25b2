// JSON that comes from outside the process: peers, signaling servers, other
// local users, files in the receive folder. Two traps of nlohmann::json:
// value(key, fallback) throws when the field exists with another type, and
// copying or printing a value recurses once per nesting level, so a 256 KB
// frame of "[[[[..." overflows the stack of whatever copies it. A throw or
// a stack overflow on the engine's or a signaler's thread ends the process.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

// Deeper nesting is refused before parsing; no real message comes close.
inline constexpr std::size_t kMaxJsonDepth = 512;

// The deepest nesting of arrays and objects in `text`, strings skipped
// (exact for valid JSON; for other text a parser refuses it anyway).
inline std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

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
