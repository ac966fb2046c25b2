// What the script peer prints: one JSON object per line on stdout, either a
// reply to a command ({"reply": id, "ok": ...}) or an event ({"event": ...}).
// Lines from any thread are whole lines.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <exception>
#include <iostream>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <rtcengine/rtcengine.hpp>

namespace script_peer {

using rtcengine::Json;

inline void print_line(const Json& line) {
  static std::mutex mutex;
  auto text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::lock_guard lock(mutex);
  std::cout << text << '\n' << std::flush;
}

inline void emit(const std::string& event, Json fields = Json::object()) {
  fields["event"] = event;
  print_line(fields);
}

// The most specific RTCEngine error class, so tests can check the kind.
inline std::string error_type(const std::exception& error) {
  using namespace rtcengine;
  if (dynamic_cast<const TransferStoppedError*>(&error)) return "TransferStoppedError";
  if (dynamic_cast<const IntegrityError*>(&error)) return "IntegrityError";
  if (dynamic_cast<const TransferError*>(&error)) return "TransferError";
  if (dynamic_cast<const AuthenticationError*>(&error)) return "AuthenticationError";
  if (dynamic_cast<const ProtocolError*>(&error)) return "ProtocolError";
  if (dynamic_cast<const ClosedError*>(&error)) return "ClosedError";
  if (dynamic_cast<const TimeoutError*>(&error)) return "TimeoutError";
  if (dynamic_cast<const UsageError*>(&error)) return "UsageError";
  if (dynamic_cast<const MessageTooLargeError*>(&error)) return "MessageTooLargeError";
  if (dynamic_cast<const BufferFullError*>(&error)) return "BufferFullError";
  if (dynamic_cast<const InvalidOptionError*>(&error)) return "InvalidOptionError";
  if (dynamic_cast<const Error*>(&error)) return "Error";
  return "std::exception";
}

inline Json error_fields(const std::exception& error) {
  return {{"error", error.what()}, {"error_type", error_type(error)}};
}

inline std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                               static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

inline std::vector<std::uint8_t> base64_decode(const std::string& text) {
  std::vector<std::uint8_t> bytes(3 * text.size() / 4 + 3);
  int length = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
  if (length < 0) throw std::invalid_argument("bad base64");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  bytes.resize(static_cast<std::size_t>(length) - padding);
  return bytes;
}

}  // namespace script_peer
