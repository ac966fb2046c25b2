// The process-wide libwebrtc runtime: one factory and its three threads,
// shared by every engine, so the thread count never grows per engine.
#pragma once

#include "rtcengine/options.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

class Runtime {
 public:
  // Created on first use; lives until the process exits.
  static Runtime& instance();
  virtual ~Runtime() = default;
  virtual EventLoop& loop() = 0;
  // libwebrtc's own logging is global: the most verbose level any engine
  // asked for wins.
  virtual void request_log_level(LogLevel level) = 0;
};

}  // namespace rtcengine::detail
