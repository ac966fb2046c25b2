// RTCEngine's own diagnostic lines on stderr, at the most verbose level any
// engine of the process asked for (EngineOptions::log_level), or the
// RTCENGINE_LOG environment variable (none/error/warning/info/verbose).
#pragma once

#include <sstream>
#include <string>

#include "rtcengine/options.hpp"

namespace rtcengine::detail {

void raise_log_level(LogLevel level);
bool log_enabled(LogLevel level);
void write_log(LogLevel level, const std::string& line);

}  // namespace rtcengine::detail

// `expression` is a << chain ("a " << b), which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RTCENGINE_LOG(level, expression)                                                           \
  do {                                                                                             \
    if (::rtcengine::detail::log_enabled(::rtcengine::LogLevel::level)) {                          \
      std::ostringstream rtcengine_log_stream;                                                     \
      rtcengine_log_stream << expression;                                                          \
      ::rtcengine::detail::write_log(::rtcengine::LogLevel::level, rtcengine_log_stream.str());    \
    }                                                                                              \
  } while (false)
// NOLINTEND(bugprone-macro-parentheses)
