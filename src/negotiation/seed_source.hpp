// Where role seeds come from: uniform random numbers in [0,1), as
// Math.random() in rtc-engine. Tests replace the source to force collisions.
#pragma once

#include <functional>

namespace rtcengine::detail {

double next_role_seed();
// nullptr restores the random source.
void set_role_seed_source_for_testing(std::function<double()> source);

}  // namespace rtcengine::detail
