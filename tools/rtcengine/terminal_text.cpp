#include "terminal_text.hpp"

#include <cstdio>
#include <optional>

namespace rtcengine::cli {
namespace {

struct CodePoint {
  char32_t value;
  std::size_t length;
};

// The code point at `i`, or nullopt when the bytes there are not UTF-8
// (overlong forms, surrogates and values past U+10FFFF are not).
std::optional<CodePoint> decode_at(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return CodePoint{lead, 1};
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return std::nullopt;
  char32_t value = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return std::nullopt;
  }
  return CodePoint{value, length};
}

bool needs_escape(char32_t c) {
  if (c < 0x20 || c == 0x7F) return true;                      // C0, DEL
  if (c >= 0x80 && c <= 0x9F) return true;                     // C1 (CSI, OSC, NEL, ...)
  if (c == 0x061C || c == 0x200E || c == 0x200F) return true;  // bidi marks
  if (c >= 0x202A && c <= 0x202E) return true;                 // bidi embeddings, overrides
  if (c >= 0x2066 && c <= 0x2069) return true;                 // bidi isolates
  return c == 0x2028 || c == 0x2029;                           // line and paragraph separators
}

std::string escape(char32_t c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: break;
  }
  char text[16];
  if (c < 0x80) {
    std::snprintf(text, sizeof text, "\\x%02X", static_cast<unsigned>(c));
  } else {
    std::snprintf(text, sizeof text, "\\u%04X", static_cast<unsigned>(c));
  }
  return text;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto point = decode_at(text, i);
    if (!point) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(text[i]));
      out += hex;
      ++i;
      continue;
    }
    if (needs_escape(point->value)) {
      out += escape(point->value);
    } else {
      out.append(text.substr(i, point->length));
    }
    i += point->length;
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto point = decode_at(text, i);
    if (!point) return false;
    i += point->length;
  }
  return true;
}

}  // namespace rtcengine::cli
