#include "engine/peer_signals.hpp"

namespace rtcengine::detail {

PeerSignals::PeerSignals(std::shared_ptr<Signaler> signaler, std::string shared_secret,
                         EventLoop& loop, Host& host)
    : signaler_(std::move(signaler)),
      loop_(loop),
      host_(host),
      gate_(std::move(shared_secret)),
      outbox_(signaler_, [&host](const std::string& error) { host.report_error(Error(error)); }) {}

void PeerSignals::route(const std::string& type, void (PeerSignals::*handle)(const Json&)) {
  signaler_->on(type, [owner = owner_, this, handle, &loop = loop_](const Json& message) {
    loop.post([owner, this, handle, message] {
      auto alive = owner.lock();
      if (alive && !host_.closing()) (this->*handle)(message);
    });
  });
}

void PeerSignals::install(std::weak_ptr<void> owner) {
  owner_ = std::move(owner);
  route("role", &PeerSignals::on_role);
  route("description", &PeerSignals::on_description);
  route("icecandidate", &PeerSignals::on_candidate);
  route("key-confirmation", &PeerSignals::on_key_confirmation);
  // These run on the signaler's thread: they touch nothing of ours but the
  // loop (process-wide) until the owner is known to live.
  signaler_->on_error([owner = owner_, this, &loop = loop_](const Error& error) {
    std::string text = error.what();
    bool final = dynamic_cast<const SignalingError*>(&error) != nullptr;
    loop.post([owner, this, text, final] {
      if (!owner.lock()) return;
      if (final) {
        host_.end_on_final_error(SignalingError(text));  // the signaler gave up for good
      } else {
        host_.report_error(ProtocolError(text));
      }
    });
  });
  ready_listener_ =
      signaler_->add_ready_listener([owner = owner_, this, &loop = loop_](bool ready) {
        loop.post([owner, this, ready] {
          if (owner.lock()) host_.on_signaler_ready(ready);
        });
      });
  if (signaler_->ready()) host_.on_signaler_ready(true);
}

void PeerSignals::remove() {
  if (ready_listener_) signaler_->remove_ready_listener(ready_listener_);
  ready_listener_ = 0;
  for (const char* type : {"role", "description", "icecandidate", "key-confirmation"}) {
    signaler_->off(type);
  }
  signaler_->on_error(nullptr);
}

void PeerSignals::send(Json message) {
  for (auto& ready : gate_.outgoing(std::move(message))) outbox_.send(std::move(ready));
}

bool PeerSignals::authentic(const Json& message) {
  auto verdict = gate_.incoming(message);
  if (verdict.error.empty()) return verdict.pass;
  if (verdict.final) {
    host_.end_on_final_error(AuthenticationError(verdict.error));
  } else if (verdict.authentication) {
    host_.report_error(AuthenticationError(verdict.error));
  } else {
    host_.report_error(ProtocolError(verdict.error));
  }
  return false;
}

void PeerSignals::agree_on_key() {
  if (!gate_.enabled()) return;
  auto released = gate_.agree();
  // Its only error is the final one: too many keys were never confirmed.
  if (!released.error.empty()) host_.end_on_final_error(AuthenticationError(released.error));
  for (auto& message : released.outgoing) outbox_.send(std::move(message));
  for (const auto& message : released.incoming) {
    if (message.value("type", "") == "description") {
      on_description(message);
    } else {
      on_key_confirmation(message);
    }
  }
}

void PeerSignals::on_role(const Json& message) {
  if (authentic(message)) host_.on_role_message(message);
}

void PeerSignals::on_key_confirmation(const Json& message) {
  authentic(message);  // all it does: confirms the key, or reports a wrong one
}

void PeerSignals::on_description(const Json& message) {
  if (!authentic(message)) return;
  if (!host_.has_connection()) {
    keep_early(message);
    return;
  }
  auto description = message.find("description");
  host_.on_remote_description(description == message.end() ? Json() : *description);
}

void PeerSignals::on_candidate(const Json& message) {
  if (!host_.has_connection()) {
    keep_early(message);
    return;
  }
  auto candidate = message.find("candidate");
  if (candidate == message.end()) {
    host_.report_error(ProtocolError("ignored an icecandidate message without a candidate field"));
    return;
  }
  host_.on_remote_candidate(*candidate);
}

void PeerSignals::keep_early(const Json& message) {
  if (auto dropped = early_.keep(message)) host_.report_error(ProtocolError(*dropped));
}

void PeerSignals::replay_early() {
  for (const auto& message : early_.take()) {
    if (message["type"] == "description") {
      on_description(message);
    } else {
      on_candidate(message);
    }
  }
}

}  // namespace rtcengine::detail
