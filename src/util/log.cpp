#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace rtcengine::detail {
namespace {

int initial_level() {
  const char* from_environment = std::getenv("RTCENGINE_LOG");
  if (!from_environment) return static_cast<int>(LogLevel::none);
  try {
    return static_cast<int>(parse_log_level(from_environment));
  } catch (...) {
    return static_cast<int>(LogLevel::none);
  }
}

std::atomic<int>& current_level() {
  static std::atomic<int> level{initial_level()};
  return level;
}

const char* name_of(LogLevel level) {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warning: return "warning";
    case LogLevel::info: return "info";
    case LogLevel::verbose: return "verbose";
    case LogLevel::none: break;
  }
  return "";
}

}  // namespace

void raise_log_level(LogLevel level) {
  int wanted = static_cast<int>(level);
  int seen = current_level().load();
  while (wanted > seen && !current_level().compare_exchange_weak(seen, wanted)) {}
}

bool log_enabled(LogLevel level) {
  return level != LogLevel::none && static_cast<int>(level) <= current_level().load();
}

void write_log(LogLevel level, const std::string& line) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  std::fprintf(stderr, "[rtcengine %lld.%03lld %s] %s\n", static_cast<long long>(ms / 1000),
               static_cast<long long>(ms % 1000), name_of(level), line.c_str());
}

}  // namespace rtcengine::detail
