// The seed exchange on its own, without a network.
#include <gtest/gtest.h>

#include <deque>

#include "negotiation/role_assignment.hpp"

using rtcengine::Role;
using rtcengine::detail::RoleAssignment;

namespace {

RoleAssignment::SeedSource seeds(std::deque<double> values) {
  auto queue = std::make_shared<std::deque<double>>(std::move(values));
  return [queue] {
    double value = queue->front();
    queue->pop_front();
    return value;
  };
}

}  // namespace

TEST(RoleAssignment, SmallerSeedIsPolite) {
  RoleAssignment low(Role::automatic, seeds({0.2}));
  RoleAssignment high(Role::automatic, seeds({0.7}));
  auto low_outcome = low.on_remote_seed(high.seed());
  auto high_outcome = high.on_remote_seed(low.seed());
  EXPECT_TRUE(low_outcome.role_settled);
  EXPECT_TRUE(high_outcome.role_settled);
  EXPECT_FALSE(low_outcome.send_own_seed);
  EXPECT_EQ(low.polite(), true);
  EXPECT_EQ(high.polite(), false);
}

TEST(RoleAssignment, EqualSeedsAreDrawnAgainUntilTheyDiffer) {
  RoleAssignment a(Role::automatic, seeds({0.5, 0.5, 0.9}));
  RoleAssignment b(Role::automatic, seeds({0.5, 0.5, 0.1}));
  auto a1 = a.on_remote_seed(b.seed());
  auto b1 = b.on_remote_seed(0.5);
  EXPECT_TRUE(a1.send_own_seed);
  EXPECT_FALSE(a1.role_settled);
  EXPECT_TRUE(b1.send_own_seed);
  // Second draw collides again.
  auto a2 = a.on_remote_seed(b.seed());
  auto b2 = b.on_remote_seed(0.5);
  EXPECT_TRUE(a2.send_own_seed && b2.send_own_seed);
  EXPECT_FALSE(a2.peer_restarted || b2.peer_restarted);
  auto a3 = a.on_remote_seed(b.seed());
  auto b3 = b.on_remote_seed(a.seed());
  EXPECT_TRUE(a3.role_settled && b3.role_settled);
  EXPECT_EQ(a.polite(), false);
  EXPECT_EQ(b.polite(), true);
}

TEST(RoleAssignment, ASeedAfterSettlingMeansThePeerRestarted) {
  RoleAssignment survivor(Role::automatic, seeds({0.4}));
  survivor.on_remote_seed(0.8);
  ASSERT_EQ(survivor.polite(), true);
  auto outcome = survivor.on_remote_seed(0.1);  // the new peer instance
  EXPECT_TRUE(outcome.peer_restarted);
  EXPECT_TRUE(outcome.send_own_seed);
  EXPECT_TRUE(outcome.role_settled);
  EXPECT_EQ(survivor.polite(), false);
}

TEST(RoleAssignment, FixedRoleIsKeptAndRestartsAreStillNoticed) {
  RoleAssignment fixed(Role::impolite, seeds({0.1}));
  EXPECT_EQ(fixed.polite(), false);
  auto first = fixed.on_remote_seed(0.9);
  EXPECT_TRUE(first.role_settled);
  EXPECT_FALSE(first.peer_restarted);
  EXPECT_EQ(fixed.polite(), false);
  auto again = fixed.on_remote_seed(0.3);
  EXPECT_TRUE(again.peer_restarted);
  EXPECT_EQ(fixed.polite(), false);
}
