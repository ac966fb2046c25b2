#include "socket/frame_codec.hpp"

#include "util/json_limits.hpp"

namespace rtcengine::detail {

using nlohmann::json;

std::string encode_value(const json& value) {
  // Invalid UTF-8 in a string is replaced rather than thrown, so one bad
  // string can't take down a writer.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_event(std::string_view name, const json& payload) {
  json frame = {{kCustomEventKey, true}, {"event", name}};
  if (!payload.is_null()) frame["payload"] = payload;
  return encode_value(frame);
}

DecodedText decode_text(std::string_view text) {
  auto parsed = parse_untrusted_json(text);
  if (!parsed.error.empty()) {
    return BadFrame{"the peer sent a text frame that was refused because " + parsed.error +
                    ": \"" + std::string(text.substr(0, 80)) + "\""};
  }
  json& value = parsed.value;
  if (value.is_object() && value.contains(kCustomEventKey)) {
    auto event = value.find("event");
    if (event == value.end() || !event->is_string()) {
      return BadFrame{"the peer sent a custom event without a string \"event\" name"};
    }
    auto payload = value.find("payload");
    return EventFrame{event->get<std::string>(), payload == value.end() ? json() : *payload};
  }
  return DataFrame{std::move(value)};
}

}  // namespace rtcengine::detail
