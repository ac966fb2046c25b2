// Test hook: a writer created while an offset is set flips the byte at that
// offset after hashing it, as a broken path would, so tests can prove the
// reader's SHA-256 check. Set directly by tests, not through the
// environment: setenv() would race libwebrtc's threads reading it.
#pragma once

#include <cstdint>
#include <optional>

namespace rtcengine::detail {

void set_corruption_offset_for_tests(std::optional<std::uint64_t> offset);
std::optional<std::uint64_t> corruption_offset_for_tests();

}  // namespace rtcengine::detail
