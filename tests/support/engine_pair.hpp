// "Two connected engines": the fixture most engine tests start from. Both
// gather candidates on loopback only, so no packet leaves the machine.
#pragma once

#include <chrono>
#include <memory>

#include "rtcengine/rtcengine.hpp"
#include "support/memory_signaler.hpp"

namespace rtcengine::test {

EngineOptions loopback_options();

struct EnginePair {
  std::shared_ptr<MemorySignaler> signaler_a;
  std::shared_ptr<MemorySignaler> signaler_b;
  EnginePtr a;
  EnginePtr b;

  // Creates both engines; they connect on their own.
  static EnginePair create(EngineOptions a_options = loopback_options(),
                           EngineOptions b_options = loopback_options());
  // Waits until both are connected; false on timeout.
  bool wait_connected(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Opens socket `label` on both sides (in parallel) and returns them.
  std::pair<SocketPtr, SocketPtr> open_socket(const std::string& label) const;
};

}  // namespace rtcengine::test
