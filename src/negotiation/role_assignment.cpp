#include "negotiation/role_assignment.hpp"

namespace rtcengine::detail {

RoleAssignment::RoleAssignment(Role fixed, SeedSource next_seed)
    : fixed_(fixed), next_seed_(std::move(next_seed)), seed_(next_seed_()) {
  if (fixed_ != Role::automatic) polite_ = fixed_ == Role::polite;
}

RoleAssignment::Outcome RoleAssignment::on_remote_seed(double remote_seed) {
  Outcome outcome;
  // A seed after the exchange finished comes from a peer that started over;
  // it needs ours again to take its role.
  if (heard_peer_ && (polite_.has_value() || fixed_ != Role::automatic)) {
    outcome.peer_restarted = true;
    outcome.send_own_seed = true;
    if (fixed_ == Role::automatic) polite_.reset();
  }
  heard_peer_ = true;

  if (fixed_ != Role::automatic) {
    outcome.role_settled = true;
    return outcome;
  }
  if (remote_seed == seed_) {
    seed_ = next_seed_();
    outcome.send_own_seed = true;
    heard_peer_ = false;  // the exchange is not over yet
    return outcome;
  }
  polite_ = seed_ < remote_seed;
  outcome.role_settled = true;
  return outcome;
}

}  // namespace rtcengine::detail
