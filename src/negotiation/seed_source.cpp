#include "negotiation/seed_source.hpp"

#include <mutex>
#include <random>

namespace rtcengine::detail {
namespace {

std::mutex& source_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::function<double()>& test_source() {
  static std::function<double()> source;
  return source;
}

}  // namespace

double next_role_seed() {
  {
    std::lock_guard lock(source_mutex());
    if (test_source()) return test_source()();
  }
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

void set_role_seed_source_for_testing(std::function<double()> source) {
  std::lock_guard lock(source_mutex());
  test_source() = std::move(source);
}

}  // namespace rtcengine::detail
