// One message received on a socket: a JSON value (sent as a text frame) or
// raw bytes (sent as a binary frame), as rtc-engine's socket delivers them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcengine {

/// A JSON value, as nlohmann::json.
using Json = nlohmann::json;
/// Raw bytes of a binary message or a transfer chunk.
using Bytes = std::vector<std::uint8_t>;

/// One received message: either a JSON value or bytes. A plain value.
class Message {
 public:
  /// A message holding a JSON value (a text frame).
  [[nodiscard]] static Message from_json(Json value);
  /// A message holding bytes (a binary frame).
  [[nodiscard]] static Message from_bytes(Bytes bytes);

  /// Whether it came as a binary frame.
  [[nodiscard]] bool is_binary() const { return binary_; }
  /// The decoded JSON value; null for binary messages.
  [[nodiscard]] const Json& json() const { return json_; }
  /// The raw bytes; empty for JSON messages.
  [[nodiscard]] const Bytes& bytes() const { return bytes_; }
  /// A JSON string as is, other JSON in its compact text form, bytes as they are.
  [[nodiscard]] std::string text() const;

 private:
  bool binary_ = false;
  Json json_;
  Bytes bytes_;
};

}  // namespace rtcengine
