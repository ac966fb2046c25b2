// Picks polite/impolite by exchanging random seeds (rtc-engine's assignRole):
// the smaller seed is polite, equal seeds are drawn again, and a seed that
// arrives after the role was settled means the peer restarted.
#pragma once

#include <functional>
#include <optional>

#include "rtcengine/options.hpp"

namespace rtcengine::detail {

class RoleAssignment {
 public:
  using SeedSource = std::function<double()>;

  struct Outcome {
    bool send_own_seed = false;   // send {"type":"role","seed":seed()}
    bool peer_restarted = false;  // a new peer instance: start a fresh connection
    bool role_settled = false;    // polite() has (just) become known
  };

  // `fixed` other than automatic pins the role; seeds are still exchanged
  // so that a restarted peer is noticed.
  RoleAssignment(Role fixed, SeedSource next_seed);

  double seed() const { return seed_; }
  std::optional<bool> polite() const { return polite_; }

  Outcome on_remote_seed(double remote_seed);

 private:
  Role fixed_;
  SeedSource next_seed_;
  double seed_;
  bool heard_peer_ = false;
  std::optional<bool> polite_;
};

}  // namespace rtcengine::detail
