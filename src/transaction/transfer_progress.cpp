#include "rtcengine/transfer_progress.hpp"

#include <cstdio>
#include <string>

namespace rtcengine {

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string TransferProgress::speed_text() const { return format_bytes(bytes_per_second) + "/s"; }

const char* to_string(TransferState state) {
  switch (state) {
    case TransferState::waiting: return "waiting";
    case TransferState::running: return "running";
    case TransferState::paused: return "paused";
    case TransferState::done: return "done";
    case TransferState::failed: return "failed";
  }
  return "unknown";
}

}  // namespace rtcengine
