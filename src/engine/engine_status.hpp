// What the engine shows to every thread: connection state, role, how many
// times the peer restarted, and whether the close sequence has finished.
// The engine's loop writes it; any thread reads or waits on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "rtcengine/engine.hpp"

namespace rtcengine::detail {

class EngineStatus {
 public:
  explicit EngineStatus(std::optional<Role> fixed_role) : role_(fixed_role) {}

  // ---- loop only ----
  // Records `state` and returns the handler to call with it; nullopt when
  // nothing changed (same state, or closed already: closed is final).
  std::optional<Engine::StateHandler> change_to(ConnectionState state);
  void set_role(Role role);
  void count_peer_restart();
  // The close sequence ended: the state handler is dropped, waiters wake.
  void mark_finished();

  // ---- any thread ----
  void on_change(Engine::StateHandler handler);
  ConnectionState state() const;
  std::optional<Role> role() const;
  std::uint64_t peer_generation() const;
  // True once `state` is reached; false on timeout or when the engine closed
  // while waiting for another state.
  bool wait_for(ConnectionState state, std::chrono::milliseconds timeout) const;
  bool wait_until_finished(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  ConnectionState state_ = ConnectionState::inactive;
  std::optional<Role> role_;
  std::uint64_t peer_generation_ = 0;
  Engine::StateHandler handler_;
  bool finished_ = false;
};

}  // namespace rtcengine::detail
