#include "socket/frame_codec.hpp"

#include "rtcengine/errors.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

using nlohmann::json;

std::string dump_strict(const json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const json::exception& error) {
    // type_error 316: "invalid UTF-8 byte at index N: 0xNN".
    throw UsageError(std::string(what) + " holds a string that is not valid UTF-8 (" +
                     error.what() +
                     "); JSON carries UTF-8 text only: send bytes with "
                     "write_binary(), or encode the text first");
  }
}

// Length of the valid UTF-8 sequence at `i`, or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF are not).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
  if (lead == 0xED && byte(1) > 0x9F) return 0;  // surrogate
  if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
  if (lead == 0xF4 && byte(1) > 0x8F) return 0;  // past U+10FFFF
  return length;
}

DecodedText decode_checked(std::string_view text) {
  auto parsed = parse_untrusted_json(text, kMaxFrameDepth);
  if (!parsed.error.empty()) {
    return BadFrame{"the peer sent a text frame that was refused because " + parsed.error + ": " +
                    quoted_preview(text)};
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

}  // namespace

std::string encode_value(const json& value) { return dump_strict(value, "the value to send"); }

std::string encode_event(std::string_view name, const json& payload) {
  json frame = {{kCustomEventKey, true}, {"event", name}};
  if (!payload.is_null()) frame["payload"] = payload;
  return dump_strict(frame, "the event " + quoted_preview(name) + " (its name or payload)");
}

void require_encodable(const json& value, std::string_view what) { dump_strict(value, what); }

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string quoted_preview(std::string_view text, std::size_t limit) {
  auto quoted = json(text.substr(0, limit)).dump(-1, ' ', true, json::error_handler_t::replace);
  return text.size() > limit ? quoted + "..." : quoted;
}

DecodedText decode_text(std::string_view text) {
  try {
    return decode_checked(text);
  } catch (const json::exception& error) {
    return BadFrame{std::string("the peer sent a text frame that could not be read: ") +
                    error.what()};
  }
}

}  // namespace rtcengine::detail
