// Incoming frames of one socket and the handlers waiting for them. A frame
// whose handler is not registered yet is kept (bounded) and delivered, in
// order, as soon as the handler appears. Lives on the engine's thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "rtcengine/message.hpp"

namespace rtcengine::detail {

class Inbox {
 public:
  // "data" for plain messages; "event:<name>" for custom events.
  using Key = std::string;
  using Deliver = std::function<void(const Message& message)>;

  static constexpr std::size_t kMaxKeptFrames = 65536;
  static constexpr std::size_t kMaxKeptBytes = 16 * 1024 * 1024;

  static Key data_key() { return "data"; }
  static Key event_key(const std::string& name) { return "event:" + name; }

  // Delivers now, or keeps the frame; false when it had to be dropped
  // because too much is kept already.
  bool push(const Key& key, Message message);
  // Sets (or clears, with nullptr) the handler and delivers what was kept.
  void set_handler(const Key& key, const Deliver& deliver);
  bool has_handler(const Key& key) const { return handlers_.count(key) != 0; }
  // Drops every handler (the socket closed); kept frames stay for late ones.
  void clear_handlers() { handlers_.clear(); }
  std::size_t kept_frames() const { return kept_.size(); }

 private:
  struct Kept {
    Key key;
    Message message;
    std::size_t bytes;
  };
  static std::size_t size_of(const Message& message);

  std::map<Key, Deliver> handlers_;
  std::deque<Kept> kept_;
  std::map<Key, std::size_t> kept_per_key_;
  std::size_t kept_bytes_ = 0;
};

}  // namespace rtcengine::detail
