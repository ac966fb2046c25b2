#include "descriptor_limit.hpp"

#include <sys/resource.h>

#include <limits>

namespace rtcengine::signal_server {

std::size_t connections_that_fit_in_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::numeric_limits<std::size_t>::max();
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::size_t>::max();
  auto available = static_cast<std::size_t>(limit.rlim_cur);
  return available > 2 * kReservedDescriptors ? available - kReservedDescriptors : available / 2;
}

}  // namespace rtcengine::signal_server
