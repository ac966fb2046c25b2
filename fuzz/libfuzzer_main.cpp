// The libFuzzer entry point of one target; RTCENGINE_FUZZ_TARGET names it
// (see fuzz/CMakeLists.txt).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtcengine::fuzz::RTCENGINE_FUZZ_TARGET(rtcengine::fuzz::Input(data, size));
  return 0;
}
