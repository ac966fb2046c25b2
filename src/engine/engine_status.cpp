#include "engine/engine_status.hpp"

namespace rtcengine::detail {

std::optional<Engine::StateHandler> EngineStatus::change_to(ConnectionState state) {
  Engine::StateHandler handler;
  {
    std::lock_guard lock(mutex_);
    if (state_ == state || state_ == ConnectionState::closed) return std::nullopt;
    state_ = state;
    handler = handler_;
  }
  changed_.notify_all();
  return handler;
}

void EngineStatus::set_role(Role role) {
  std::lock_guard lock(mutex_);
  role_ = role;
}

void EngineStatus::count_peer_restart() {
  std::lock_guard lock(mutex_);
  ++peer_generation_;
}

void EngineStatus::mark_finished() {
  {
    std::lock_guard lock(mutex_);
    handler_ = nullptr;
    finished_ = true;
  }
  changed_.notify_all();
}

void EngineStatus::on_change(Engine::StateHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

ConnectionState EngineStatus::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::optional<Role> EngineStatus::role() const {
  std::lock_guard lock(mutex_);
  return role_;
}

std::uint64_t EngineStatus::peer_generation() const {
  std::lock_guard lock(mutex_);
  return peer_generation_;
}

bool EngineStatus::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout,
                    [&] { return state_ == state || state_ == ConnectionState::closed; });
  return state_ == state;
}

bool EngineStatus::wait_until_finished(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return finished_; });
}

}  // namespace rtcengine::detail
