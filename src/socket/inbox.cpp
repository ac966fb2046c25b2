#include "socket/inbox.hpp"

#include "util/untrusted_json.hpp"

namespace rtcengine::detail {

std::size_t Inbox::size_of(const Message& message) {
  // What a JSON frame holds once parsed, not its text size: nested arrays
  // take ~30 times their text.
  return message.is_binary() ? message.bytes().size() : measure_json(message.json()).bytes;
}

bool Inbox::push(const Key& key, Message message) {
  auto handler = handlers_.find(key);
  // Older kept frames of the same key go first.
  if (handler != handlers_.end() && kept_per_key_[key] == 0) {
    auto deliver = handler->second;  // the handler may replace itself
    deliver(message);
    return true;
  }
  std::size_t size = size_of(message);
  if (kept_.size() >= kMaxKeptFrames || kept_bytes_ + size > kMaxKeptBytes) return false;
  kept_bytes_ += size;
  ++kept_per_key_[key];
  kept_.push_back({key, std::move(message), size});
  return true;
}

void Inbox::set_handler(const Key& key, const Deliver& deliver) {
  if (!deliver) {
    handlers_.erase(key);
    return;
  }
  handlers_[key] = deliver;
  if (kept_per_key_[key] == 0) return;
  std::deque<Kept> mine;
  for (auto it = kept_.begin(); it != kept_.end();) {
    if (it->key == key) {
      kept_bytes_ -= it->bytes;
      mine.push_back(std::move(*it));
      it = kept_.erase(it);
    } else {
      ++it;
    }
  }
  kept_per_key_[key] = 0;
  for (auto& kept : mine) deliver(kept.message);
}

}  // namespace rtcengine::detail
