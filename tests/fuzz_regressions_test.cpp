// Replays every fuzz target's seed corpus and every input a fuzzer once
// crashed on (fuzz/regressions/TARGET/) through the same functions the
// libFuzzer programs call. A broken rule aborts the test program, so a
// failure here is a crash, with the input's name printed just before it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"

namespace rtcengine::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(std::string_view target) {
  std::vector<fs::path> inputs;
  for (const char* kind : {"corpus", "regressions"}) {
    fs::path folder = fs::path(RTCENGINE_FUZZ_DIR) / kind / target;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::vector<std::uint8_t> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzRegressions : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzRegressions, EveryKeptInputPasses) {
  auto inputs = inputs_of(GetParam().name);
  ASSERT_FALSE(inputs.empty()) << "no seed corpus for " << GetParam().name;
  for (const auto& path : inputs) {
    SCOPED_TRACE(path.string());
    // Printed first: an abort leaves no other trace of which input it was.
    std::fprintf(stderr, "replaying %s\n", path.c_str());
    auto bytes = bytes_of(path);
    EXPECT_NO_THROW(GetParam().run(Input(bytes.data(), bytes.size())));
  }
}

// Too large for a checked-in input: JSON nested so deep that copying or
// printing it (nlohmann recurses once per level) overflows a thread's stack.
std::string nested(std::size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

void run(void (*target)(Input), const std::string& text) {
  target(Input(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

TEST(FuzzRegressions, DeeplyNestedJsonFromThePeerIsRefused) {
  auto deep = nested(150000);
  run(frame_codec, deep);
  // A custom event's payload: the metadata, which the reader copies.
  run(transaction,
      "r\nT{\"_channelEngineCustomEvent\":true,\"event\":\"metadata\",\"payload\":" + deep + "}");
  // A signaling message kept (copied) until its type has a handler.
  run(signaling, "\x01{\"type\":\"later\",\"x\":" + deep + "}");
  // A LocalSignaler datagram (at most 200 KiB) whose payload is copied.
  run(local_signaler,
      "{\"type\":\"message\",\"src\":\"00000000000000aa\",\"payload\":" + nested(100000) + "}");
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegressions, ::testing::ValuesIn(kTargets),
                         [](const auto& target) { return std::string(target.param.name); });

}  // namespace
}  // namespace rtcengine::fuzz
