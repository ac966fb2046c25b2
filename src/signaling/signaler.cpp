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
  struct Kept {
    Json message;
    std::size_t bytes;
  };
  std::map<std::string, std::deque<Kept>> kept;
  std::size_t kept_count = 0;
  std::size_t kept_bytes = 0;
  ErrorHandler error_handler;
  // Final errors (SignalingError) reported before a handler was set, which
  // would otherwise be lost while the engine waits forever.
  std::vector<std::string> kept_final_errors;
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
  // A listener that throws must not stop the others, nor a close() that
  // marked the signaler closed before telling them (its I/O would stay up).
  for (auto& listener : listeners) {
    try {
      listener(ready);
    } catch (const std::exception& error) {
      report_error(Error(std::string("a readiness listener threw: ") + error.what()));
    }
  }
}

void Signaler::on(const std::string& type, const MessageHandler& handler) {
  std::lock_guard delivery(state_->delivery);
  std::deque<State::Kept> kept;
  {
    std::lock_guard lock(state_->mutex);
    state_->handlers[type] = handler;
    if (auto it = state_->kept.find(type); it != state_->kept.end()) {
      kept = std::move(it->second);
      state_->kept.erase(it);
      state_->kept_count -= kept.size();
      for (const auto& entry : kept) state_->kept_bytes -= entry.bytes;
    }
  }
  for (auto& entry : kept) handler(entry.message);
}

void Signaler::off(const std::string& type) {
  std::lock_guard delivery(state_->delivery);
  std::lock_guard lock(state_->mutex);
  state_->handlers.erase(type);
}

void Signaler::on_error(const ErrorHandler& handler) {
  std::vector<std::string> kept;
  {
    std::lock_guard lock(state_->mutex);
    state_->error_handler = handler;
    if (handler) kept = std::move(state_->kept_final_errors);
    state_->kept_final_errors.clear();
  }
  for (const auto& text : kept) handler(SignalingError(text));
}

void Signaler::report_error(const Error& error) {
  ErrorHandler handler;
  {
    std::lock_guard lock(state_->mutex);
    handler = state_->error_handler;
    if (!handler && dynamic_cast<const SignalingError*>(&error) &&
        state_->kept_final_errors.size() < 16) {
      state_->kept_final_errors.push_back(error.what());
    }
  }
  if (handler) handler(error);
}

void Signaler::receive(const Json& message) {
  auto shape = detail::measure_json(message);
  if (shape.depth > kMaxMessageDepth) {
    report_error(ProtocolError("signaling message nested deeper than " +
                               std::to_string(kMaxMessageDepth) + " levels was ignored"));
    return;
  }
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
    report_error(
        ProtocolError("signaling message without a string \"type\" field was ignored: " +
                      message.dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 200)));
    return;
  }
  const auto& type = message["type"].get_ref<const std::string&>();
  std::lock_guard delivery(state_->delivery);
  MessageHandler handler;
  {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->handlers.find(type); it != state_->handlers.end()) {
      handler = it->second;
    } else if (state_->kept_count < kMaxKeptMessages &&
               state_->kept_bytes + shape.bytes <= kMaxKeptBytes) {
      state_->kept[type].push_back({message, shape.bytes});
      ++state_->kept_count;
      state_->kept_bytes += shape.bytes;
      return;
    }
  }
  if (handler) {
    handler(message);
    return;
  }
  report_error(ProtocolError("signaling message of type \"" + type.substr(0, 100) +
                             "\" dropped: messages waiting for handlers already hold " +
                             std::to_string(kMaxKeptMessages) + " messages or " +
                             std::to_string(kMaxKeptBytes) + " bytes"));
}

void Signaler::receive_text(std::string_view text) {
  if (text.size() > kMaxMessageBytes) {
    report_error(ProtocolError("signaling message of " + std::to_string(text.size()) +
                               " bytes refused; the limit is " + std::to_string(kMaxMessageBytes) +
                               " bytes"));
    return;
  }
  auto parsed = detail::parse_untrusted_json(text, kMaxMessageDepth);
  if (!parsed.error.empty()) {
    report_error(ProtocolError(
        (parsed.too_deep ? "signaling message ignored because " + parsed.error
                         : std::string("signaling message is not valid JSON and was ignored")) +
        ": " + std::string(text.substr(0, 200))));
    return;
  }
  receive(parsed.value);
}

}  // namespace rtcengine
