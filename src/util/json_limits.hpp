// Limits on JSON that comes from outside (a peer, a signaling path): how
// deep it may nest and how much memory it really holds once parsed. Text
// size alone says little: 60 KB of nested arrays parse into ~2 MB, and
// copying or printing a value nested 100,000 deep overflows the stack.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

// Deeper than any message of the protocol (descriptions nest 2 levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

struct ParsedJson {
  nlohmann::json value;  // discarded when `error` is set
  std::string error;     // empty on success
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

}  // namespace rtcengine::detail
