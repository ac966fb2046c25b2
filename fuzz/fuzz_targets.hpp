// Every fuzz target is a plain function over one input. libFuzzer calls it
// through fuzz/libfuzzer_main.cpp (one program per target, fuzz preset);
// tests/fuzz_regressions_test.cpp replays the seed corpus and every kept
// crash through the same function in the ordinary builds.
//
// A target aborts (directly, through a sanitizer, or through an exception
// that escapes) when the code under test breaks a rule: crashes, throws
// where the real caller would not catch, or accepts what it must refuse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rtcengine::fuzz {

using Input = std::span<const std::uint8_t>;

void frame_codec(Input input);
void signaling(Input input);
void transaction(Input input);
void local_signaler(Input input);
void signal_server(Input input);
void partial_file(Input input);
void safe_path(Input input);

struct Target {
  std::string_view name;  // also the folder under fuzz/corpus and fuzz/regressions
  void (*run)(Input input);
};

inline constexpr Target kTargets[] = {
    {"frame_codec", frame_codec},     {"signaling", signaling},
    {"transaction", transaction},     {"local_signaler", local_signaler},
    {"signal_server", signal_server}, {"partial_file", partial_file},
    {"safe_path", safe_path},
};

}  // namespace rtcengine::fuzz
