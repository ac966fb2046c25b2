// rtc-engine's socket frames: binary messages as they are; any other value as
// a text frame holding its JSON; a custom event as the text frame
// {"_channelEngineCustomEvent":true,"event":name,"payload":value}.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace rtcengine::detail {

inline constexpr std::string_view kCustomEventKey = "_channelEngineCustomEvent";

std::string encode_value(const nlohmann::json& value);
// A null payload leaves the key out, as rtc-engine's `writeEvent(name)` does
// (a JavaScript peer sees `undefined`).
std::string encode_event(std::string_view name, const nlohmann::json& payload);

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

DecodedText decode_text(std::string_view text);

}  // namespace rtcengine::detail
