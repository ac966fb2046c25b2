// The Signaler base: what a hostile peer can make it hold. Messages nobody
// handles yet are kept, bounded by what they take once parsed; nesting that
// would overflow the stack is refused before parsing.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "support/memory_signaler.hpp"

using namespace rtcengine;
using rtcengine::test::MemorySignaler;

namespace {

struct Errors {
  std::atomic<int> count{0};
  std::string last;
};

std::shared_ptr<Errors> count_errors(Signaler& signaler) {
  auto errors = std::make_shared<Errors>();
  signaler.on_error([errors](const Error& error) {
    errors->last = error.what();
    ++errors->count;
  });
  return errors;
}

// ~60 KB of text that parses into ~480 KB: 30,000 numbers in one array.
std::string wide_message() {
  std::string text = R"({"type":"junk","list":[1)";
  for (int i = 0; i < 30'000; ++i) text += ",1";
  return text + "]}";
}

}  // namespace

TEST(Signaler, DeeplyNestedMessagesAreRefusedBeforeParsing) {
  auto [signaler, peer] = MemorySignaler::make_pair();
  auto errors = count_errors(*signaler);
  std::string deep =
      R"({"type":"junk","x":)" + std::string(500'000, '[') + std::string(500'000, ']') + "}";
  signaler->inject_text(deep);
  EXPECT_EQ(errors->count, 1);
  EXPECT_NE(errors->last.find("nested deeper"), std::string::npos) << errors->last;
  int delivered = 0;
  signaler->on("junk", [&](const Json&) { ++delivered; });
  EXPECT_EQ(delivered, 0);
}

TEST(Signaler, KeptMessagesAreBoundedByTheirParsedSize) {
  auto [signaler, peer] = MemorySignaler::make_pair();
  auto errors = count_errors(*signaler);
  auto text = wide_message();
  for (int i = 0; i < 100; ++i) signaler->inject_text(text);
  // 100 x ~60 KB of text is under the count bound and far under 8 MiB of
  // text, but it parses into ~48 MB: most must be refused.
  EXPECT_GE(errors->count, 70);
  int delivered = 0;
  signaler->on("junk", [&](const Json&) { ++delivered; });
  EXPECT_EQ(delivered, 100 - errors->count);
  EXPECT_GT(delivered, 0);
  // Once handled, messages flow again.
  signaler->inject_text(text);
  EXPECT_EQ(delivered, 101 - errors->count);
}

// A readiness listener that throws is reported; the others still hear of
// the change, and the signaler goes on (a close() marked closed first used
// to stop there, leaving its I/O running).
TEST(Signaler, ThrowingReadinessListenerIsReportedAndOthersStillHear) {
  auto [a, b] = MemorySignaler::make_pair(false);
  auto errors = count_errors(*a);
  std::atomic<int> heard{0};
  a->add_ready_listener([](bool) { throw std::runtime_error("listener failed"); });
  a->add_ready_listener([&heard](bool ready) {
    if (ready) ++heard;
  });
  a->set_link(true);
  EXPECT_EQ(heard.load(), 1);
  EXPECT_EQ(errors->count.load(), 1);
  EXPECT_NE(errors->last.find("listener failed"), std::string::npos) << errors->last;
  EXPECT_TRUE(a->ready());
}
