// rtc-engine's socket frames: binary messages as they are; any other value as
// a text frame holding its JSON; a custom event as the text frame
// {"_channelEngineCustomEvent":true,"event":name,"payload":value}.
//
// JSON carries UTF-8 only. A value holding a string that is not valid UTF-8
// is refused with UsageError (never sent altered, never a JSON exception);
// text for people (reasons, errors) goes through valid_utf8() first.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

inline constexpr std::string_view kCustomEventKey = "_channelEngineCustomEvent";
// Deeper text frames are refused: nlohmann's dump() recurses once per level.
inline constexpr std::size_t kMaxFrameDepth = 512;

// Both throw UsageError when a string (or a key) is not valid UTF-8.
std::string encode_value(const nlohmann::json& value);
// A null payload leaves the key out, as rtc-engine's `writeEvent(name)` does
// (a JavaScript peer sees `undefined`).
std::string encode_event(std::string_view name, const nlohmann::json& payload);
// Throws UsageError, naming `what`, unless `value` can be sent.
void require_encodable(const nlohmann::json& value, std::string_view what);
// `text` with each invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);
// `text` as an ASCII-only quoted JSON string, at most `limit` bytes of it:
// safe to put in an error message whatever the peer sent.
std::string quoted_preview(std::string_view text, std::size_t limit = 80);

struct DataFrame {
  nlohmann::json value;
};
struct EventFrame {
  std::string name;
  nlohmann::json payload;
};
struct BadFrame {
  std::string reason;
};

using DecodedText = std::variant<DataFrame, EventFrame, BadFrame>;

// Never throws: anything that is not a well-formed frame is a BadFrame.
DecodedText decode_text(std::string_view text);

}  // namespace rtcengine::detail
