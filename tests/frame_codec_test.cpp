// The socket frame codec against hostile and careless input: it never
// throws a JSON exception, refuses strings that are not UTF-8 with a
// UsageError instead of altering them, and refuses frames nested so deep
// that printing them (dump() recurses per level) would overflow the stack.
#include <gtest/gtest.h>

#include <variant>

#include "rtcengine/errors.hpp"
#include "socket/frame_codec.hpp"

using namespace rtcengine;
using namespace rtcengine::detail;
using Json = nlohmann::json;

TEST(FrameCodec, StringsThatAreNotUtf8AreAUsageErrorNeverAlteredOrAJsonException) {
  EXPECT_THROW(encode_value(Json{{"name", "caf\xE9"}}), UsageError);
  EXPECT_THROW(encode_value(Json{{"caf\xE9", 1}}), UsageError);  // a key
  EXPECT_THROW(encode_event("note", "\xC0\xAF"), UsageError);    // overlong '/'
  EXPECT_THROW(encode_event("bad\xFF", nullptr), UsageError);
  try {
    encode_value("abc\xED\xA0\x80");  // a surrogate
    FAIL() << "encoded a string that is not UTF-8";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("not valid UTF-8"), std::string::npos);
  }
  EXPECT_EQ(encode_value("café ☕ 𝄞"), "\"café ☕ 𝄞\"");
}

TEST(FrameCodec, TextForPeopleIsMadeValidUtf8) {
  EXPECT_EQ(valid_utf8("ok café"), "ok café");
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  EXPECT_NO_THROW(encode_value(valid_utf8("any \x80\xFE bytes")));
}

TEST(FrameCodec, BadFramesAreReportedSafelyAndNeverThrow) {
  auto reason_of = [](std::string_view text) {
    auto decoded = decode_text(text);
    EXPECT_TRUE(std::holds_alternative<BadFrame>(decoded)) << text.substr(0, 40);
    return std::holds_alternative<BadFrame>(decoded) ? std::get<BadFrame>(decoded).reason : "";
  };
  auto invalid = reason_of("\"caf\xE9\"");
  auto escapes = reason_of("not json \x1b]0;title\x07");
  for (const auto& reason : {invalid, escapes}) {
    for (unsigned char c : reason) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << reason;
  }
  std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_NE(reason_of(deep).find("nested deeper than 512"), std::string::npos);
  std::string fine = std::string(kMaxFrameDepth, '[') + std::string(kMaxFrameDepth, ']');
  EXPECT_TRUE(std::holds_alternative<DataFrame>(decode_text(fine)));
  // Brackets inside strings are text, not depth.
  auto in_string = "\"" + std::string(10'000, '[') + "\"";
  EXPECT_TRUE(std::holds_alternative<DataFrame>(decode_text(in_string)));
}
