// The SocketCore behind a public Socket, for the library's own units (the
// transaction cores speak their protocol on it) and for tests that go one
// level below the socket API. The public API does not expose it.
#pragma once

#include "rtcengine/socket.hpp"

namespace rtcengine::detail {

class SocketCore;

// Socket's friend: the one way from a handle to its core.
class SocketAccess {
 public:
  static SocketCore& core(const Socket& socket) { return *socket.core_; }
};

inline SocketCore& core_of(const Socket& socket) { return SocketAccess::core(socket); }

}  // namespace rtcengine::detail
