// Socket frames from the peer: any text frame either decodes to a value or
// an event that survives a round trip through the encoder, or is reported
// as a bad frame; nothing throws.
#include <variant>

#include "socket/frame_codec.hpp"
#include "support/check.hpp"

namespace rtcengine::fuzz {

using detail::BadFrame;
using detail::DataFrame;
using detail::EventFrame;

void frame_codec(Input input) {
  auto decoded = detail::decode_text(as_text(input));
  if (auto* data = std::get_if<DataFrame>(&decoded)) {
    auto again = detail::decode_text(detail::encode_value(data->value));
    auto* same = std::get_if<DataFrame>(&again);
    require(same && same->value == data->value, "a value frame changes through encode/decode");
  } else if (auto* event = std::get_if<EventFrame>(&decoded)) {
    auto again = detail::decode_text(detail::encode_event(event->name, event->payload));
    auto* same = std::get_if<EventFrame>(&again);
    require(same && same->name == event->name && same->payload == event->payload,
            "an event frame changes through encode/decode");
  } else {
    require(!std::get<BadFrame>(decoded).reason.empty(), "a bad frame without a reason");
  }
}

}  // namespace rtcengine::fuzz
