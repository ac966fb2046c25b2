// Routing of incoming signaling messages by type, with messages kept until
// their handler exists (rtc-engine's SignalerBase does the same).
#include "rtcengine/signaler.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <utility>

#include "rtcengine/options.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine {

struct Signaler::State {
  // Held while handlers run so that replayed and fresh messages of one type
  // can never overtake each other. Handlers only post work, so this is short.
  std::recursive_mutex delivery;
  mutable std::mutex mutex;
  bool ready = false;
  ListenerId next_listener = 1;
  std::map<ListenerId, ReadyHandler> ready_listeners;
  std::map<std::string, MessageHandler> handlers;
  std::map<std::string, std::deque<Json>> kept;
  std::size_t kept_count = 0;
  ErrorHandler error_handler;
};

Signaler::Signaler() : state_(std::make_shared<State>()) {}
Signaler::~Signaler() = default;

void Signaler::contribute_options(EngineOptions&) const {}

bool Signaler::ready() const {
  std::lock_guard lock(state_->mutex);
  return state_->ready;
}

Signaler::ListenerId Signaler::add_ready_listener(ReadyHandler handler) {
  std::lock_guard lock(state_->mutex);
  auto id = state_->next_listener++;
  state_->ready_listeners.emplace(id, std::move(handler));
  return id;
}

void Signaler::remove_ready_listener(ListenerId id) {
  std::lock_guard lock(state_->mutex);
  state_->ready_listeners.erase(id);
}

void Signaler::set_ready(bool ready) {
  std::lock_guard delivery(state_->delivery);
  std::vector<ReadyHandler> listeners;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->ready == ready) return;
    state_->ready = ready;
    for (auto& [id, handler] : state_->ready_listeners) listeners.push_back(handler);
  }
  for (auto& listener : listeners) listener(ready);
}

void Signaler::on(const std::string& type, MessageHandler handler) {
  std::lock_guard delivery(state_->delivery);
  std::deque<Json> kept;
  {
    std::lock_guard lock(state_->mutex);
    state_->handlers[type] = handler;
    if (auto it = state_->kept.find(type); it != state_->kept.end()) {
      kept = std::move(it->second);
      state_->kept.erase(it);
      state_->kept_count -= kept.size();
    }
  }
  for (auto& message : kept) handler(message);
}

void Signaler::off(const std::string& type) {
  std::lock_guard delivery(state_->delivery);
  std::lock_guard lock(state_->mutex);
  state_->handlers.erase(type);
}

void Signaler::on_error(ErrorHandler handler) {
  std::lock_guard lock(state_->mutex);
  state_->error_handler = std::move(handler);
}

void Signaler::report_error(const Error& error) {
  ErrorHandler handler;
  {
    std::lock_guard lock(state_->mutex);
    handler = state_->error_handler;
  }
  if (handler) handler(error);
}

void Signaler::receive(const Json& message) {
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
    report_error(ProtocolError(
        "signaling message without a string \"type\" field was ignored: " +
        message.dump().substr(0, 200)));
    return;
  }
  const auto& type = message["type"].get_ref<const std::string&>();
  std::lock_guard delivery(state_->delivery);
  MessageHandler handler;
  {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->handlers.find(type); it != state_->handlers.end()) {
      handler = it->second;
    } else if (state_->kept_count >= kMaxKeptMessages) {
      handler = nullptr;
    } else {
      state_->kept[type].push_back(message);
      ++state_->kept_count;
      return;
    }
  }
  if (handler) {
    handler(message);
    return;
  }
  report_error(ProtocolError("signaling message of type \"" + type.substr(0, 100) +
                             "\" dropped: " + std::to_string(kMaxKeptMessages) +
                             " messages are already waiting for handlers"));
}

void Signaler::receive_text(std::string_view text) {
  if (text.size() > kMaxMessageBytes) {
    report_error(ProtocolError("signaling message of " + std::to_string(text.size()) +
                               " bytes refused; the limit is " +
                               std::to_string(kMaxMessageBytes) + " bytes"));
    return;
  }
  if (detail::json_depth(text) > detail::kMaxJsonDepth) {
    report_error(ProtocolError("signaling message nested deeper than " +
                               std::to_string(detail::kMaxJsonDepth) + " levels was ignored"));
    return;
  }
  Json message = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) {
    report_error(ProtocolError("signaling message is not valid JSON and was ignored: " +
                               std::string(text.substr(0, 200))));
    return;
  }
  receive(message);
}

}  // namespace rtcengine
