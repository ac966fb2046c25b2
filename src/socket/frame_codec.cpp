#include "socket/frame_codec.hpp"

#include "util/untrusted_json.hpp"

namespace rtcengine::detail {

using nlohmann::json;

std::string encode_value(const json& value) {
  // Invalid UTF-8 in a string is replaced rather than thrown, so one bad
  // string can't take down a writer.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_event(std::string_view name, const json& payload) {
  json frame = {{kCustomEventKey, true}, {"event", name}, {"payload", payload}};
  return encode_value(frame);
}

DecodedText decode_text(std::string_view text) {
  if (json_depth(text) > kMaxJsonDepth) {
    return BadFrame{"the peer sent a text frame nested deeper than " +
                    std::to_string(kMaxJsonDepth) + " levels"};
  }
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return BadFrame{"the peer sent a text frame that is not JSON: \"" +
                    std::string(text.substr(0, 80)) + "\""};
  }
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
