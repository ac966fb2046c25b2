#include "rtcengine/message.hpp"

namespace rtcengine {

Message Message::from_json(Json value) {
  Message message;
  message.json_ = std::move(value);
  return message;
}

Message Message::from_bytes(Bytes bytes) {
  Message message;
  message.binary_ = true;
  message.bytes_ = std::move(bytes);
  return message;
}

std::string Message::text() const {
  if (binary_) return std::string(bytes_.begin(), bytes_.end());
  if (json_.is_string()) return json_.get<std::string>();
  return json_.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace rtcengine
