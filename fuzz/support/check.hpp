// A broken rule found while fuzzing: say which, then abort so that libFuzzer
// (or the regression test) stops on this input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_targets.hpp"

namespace rtcengine::fuzz {

[[noreturn]] inline void broken_rule(std::string_view rule) {
  std::fprintf(stderr, "fuzz: broken rule: %.*s\n", static_cast<int>(rule.size()), rule.data());
  std::abort();
}

inline void require(bool holds, std::string_view rule) {
  if (!holds) broken_rule(rule);
}

// What a target saw, printed when RTCENGINE_FUZZ_VERBOSE is set: for
// whoever writes seed inputs and wants to know what they reach.
inline void note(const std::string& line) {
  static const bool verbose = std::getenv("RTCENGINE_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "fuzz: %s\n", line.c_str());
}

inline std::string_view as_text(Input input) {
  return {reinterpret_cast<const char*>(input.data()), input.size()};
}

// Splits an input into lines ('\n'); most targets take one message a line,
// which keeps the seed corpus readable and easy to write by hand.
inline std::vector<std::string_view> lines_of(Input input) {
  std::vector<std::string_view> lines;
  std::string_view text = as_text(input);
  while (!text.empty()) {
    auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace rtcengine::fuzz
