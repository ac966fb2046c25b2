#include "transaction/corruption_hook.hpp"

#include <atomic>
#include <limits>

namespace rtcengine::detail {
namespace {

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
std::atomic<std::uint64_t> corruption_offset{kNone};

}  // namespace

void set_corruption_offset_for_tests(std::optional<std::uint64_t> offset) {
  corruption_offset.store(offset.value_or(kNone));
}

std::optional<std::uint64_t> corruption_offset_for_tests() {
  auto offset = corruption_offset.load();
  if (offset == kNone) return std::nullopt;
  return offset;
}

}  // namespace rtcengine::detail
