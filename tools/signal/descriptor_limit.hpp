// Every connection is one file descriptor: a connection limit above the
// process's open file limit is no limit at all (accept fails with EMFILE
// and every client, real or silent, waits in the kernel's queue).
#pragma once

#include <cstddef>

namespace rtcengine::signal_server {

// Descriptors kept for the server itself (standard streams, epoll, timers,
// the listening socket, certificate files, answering a refused connection).
inline constexpr std::size_t kReservedDescriptors = 32;

// Raises the soft open file limit to the hard limit, then returns how many
// connections fit under it.
std::size_t connections_that_fit_in_open_file_limit();

}  // namespace rtcengine::signal_server
