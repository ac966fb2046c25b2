// Structured log: one JSON object per line on stderr (join, leave, error),
// so operators can filter with jq. Off with --quiet.
#pragma once

#include <nlohmann/json.hpp>

namespace rtcengine::signal_server {

class EventLog {
 public:
  explicit EventLog(bool quiet) : quiet_(quiet) {}

  // Adds "time" (Unix milliseconds) and "event" to `fields` and writes them.
  void write(std::string_view event, nlohmann::json fields = nlohmann::json::object()) const;

 private:
  bool quiet_;
};

}  // namespace rtcengine::signal_server
