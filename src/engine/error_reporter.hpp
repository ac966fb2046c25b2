// Errors that happen in the background reach the user's on_error handler;
// before one is set they are kept (the newest 64, with their kind), so a
// handler set late still learns what went wrong. Loop only.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "rtcengine/engine.hpp"

namespace rtcengine::detail {

class ErrorReporter {
 public:
  static constexpr std::size_t kMaxKept = 64;

  // `owner` names the engine in log lines.
  explicit ErrorReporter(const void* owner) : owner_(owner) {}

  void report(const Error& error);
  // Delivers what was kept, then every later error; nullptr stops delivery.
  void set_handler(Engine::ErrorHandler handler);

 private:
  enum class Kind { plain, protocol, authentication, signaling };

  const void* owner_;
  Engine::ErrorHandler handler_;
  std::deque<std::pair<Kind, std::string>> kept_;
};

}  // namespace rtcengine::detail
