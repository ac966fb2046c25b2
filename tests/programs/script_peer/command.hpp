// One command read from stdin, and how it is answered: every command carries
// an "id"; its reply is {"reply": id, "ok": true, ...result} or
// {"reply": id, "ok": false, "error": text, "error_type": class}. Commands
// that wait (for a socket, a transfer) run on their own thread so the
// script can go on reading; the rest answer in order, one after another.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "output.hpp"

namespace script_peer {

struct Command {
  Json json;

  Json id() const { return json.value("id", Json()); }
  std::string text(const char* key) const {
    if (!json.contains(key) || !json[key].is_string()) {
      throw std::invalid_argument(std::string("command needs a string \"") + key + "\"");
    }
    return json[key].get<std::string>();
  }
  std::string text_or(const char* key, const std::string& fallback) const {
    return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : fallback;
  }
  std::uint64_t number_or(const char* key, std::uint64_t fallback) const {
    return json.contains(key) && json[key].is_number_unsigned() ? json[key].get<std::uint64_t>()
                                                                : fallback;
  }
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(number_or("timeout_ms", 30000));
  }
  bool has(const char* key) const { return json.contains(key) && !json[key].is_null(); }
};

using Work = std::function<Json()>;

inline void answer(const Json& id, const Work& work) {
  Json reply;
  try {
    reply = work();
    if (!reply.is_object()) reply = Json::object();
    reply["ok"] = true;
  } catch (const std::exception& error) {
    reply = error_fields(error);
    reply["ok"] = false;
  }
  reply["reply"] = id;
  print_line(reply);
}

inline void answer_later(const Json& id, Work work) {
  std::thread([id, work = std::move(work)] { answer(id, work); }).detach();
}

}  // namespace script_peer
