#include "event_log.hpp"

#include <chrono>
#include <cstdio>

namespace rtcengine::signal_server {

void EventLog::write(std::string_view event, nlohmann::json fields) const {
  if (quiet_) return;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  // time and event first, so the lines read well without jq too.
  nlohmann::ordered_json entry{
      {"time", std::chrono::duration_cast<std::chrono::milliseconds>(now).count()},
      {"event", event}};
  for (auto& [key, value] : fields.items()) entry[key] = value;
  // stderr is unbuffered: one fputs per line keeps lines whole.
  std::string line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace rtcengine::signal_server
