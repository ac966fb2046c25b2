// One message received on a socket: a JSON value (sent as a text frame) or
// raw bytes (sent as a binary frame), as rtc-engine's socket delivers them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcengine {

using Json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

class Message {
 public:
  static Message from_json(Json value);
  static Message from_bytes(Bytes bytes);

  bool is_binary() const { return binary_; }
  // The decoded JSON value; null for binary messages.
  const Json& json() const { return json_; }
  // The raw bytes; empty for JSON messages.
  const Bytes& bytes() const { return bytes_; }
  // A JSON string as is, other JSON in its compact text form, bytes as they are.
  std::string text() const;

 private:
  bool binary_ = false;
  Json json_;
  Bytes bytes_;
};

}  // namespace rtcengine
