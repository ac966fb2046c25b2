#include "support/engine_pair.hpp"

#include <stdexcept>

namespace rtcengine::test {

EngineOptions loopback_options() {
  EngineOptions options;
  options.allow_loopback = true;
  options.network_interfaces = {"lo"};
  return options;
}

EnginePair EnginePair::create(EngineOptions a_options, EngineOptions b_options) {
  EnginePair pair;
  std::tie(pair.signaler_a, pair.signaler_b) = MemorySignaler::make_pair();
  pair.a = Engine::create(pair.signaler_a, std::move(a_options));
  pair.b = Engine::create(pair.signaler_b, std::move(b_options));
  return pair;
}

bool EnginePair::wait_connected(std::chrono::milliseconds timeout) const {
  return a->wait_for(ConnectionState::connected, timeout) &&
         b->wait_for(ConnectionState::connected, timeout);
}

std::pair<SocketPtr, SocketPtr> EnginePair::open_socket(const std::string& label) const {
  auto first = a->socket(label);
  auto second = b->socket(label);
  if (first.wait_for(std::chrono::seconds(10)) != std::future_status::ready ||
      second.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    throw std::runtime_error("socket \"" + label + "\" did not open on both sides in 10 s");
  }
  return {first.get(), second.get()};
}

}  // namespace rtcengine::test
