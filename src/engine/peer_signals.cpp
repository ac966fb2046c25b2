// What comes from the peer through the signaler (role seeds, descriptions,
// candidates, key confirmations) and what the engine sends back, through
// the SignalingGate when a shared secret is set.
#include "engine/engine_core.hpp"
#include "util/log.hpp"

namespace rtcengine::detail {

void EngineCore::install_signaler_handlers() {
  std::weak_ptr<EngineCore> weak = weak_from_this();
  auto route = [weak](void (EngineCore::*method)(const Json&)) {
    return [weak, method](const Json& message) {
      auto self = weak.lock();
      if (!self) return;
      self->post([method, message](EngineCore& core) {
        if (!core.closing_) (core.*method)(message);
      });
    };
  };
  signaler_->on("role", route(&EngineCore::on_role_message));
  signaler_->on("description", route(&EngineCore::on_description_message));
  signaler_->on("icecandidate", route(&EngineCore::on_candidate_message));
  signaler_->on("key-confirmation", route(&EngineCore::on_key_confirmation));
  signaler_->on_error([weak](const Error& error) {
    auto self = weak.lock();
    if (!self) return;
    std::string text = error.what();
    if (dynamic_cast<const SignalingError*>(&error)) {
      // The signaler gave up for good: report, then close.
      self->post([text](EngineCore& core) { core.end_on_final_error(SignalingError(text)); });
      return;
    }
    self->post([text](EngineCore& core) { core.report_error(ProtocolError(text)); });
  });
  ready_listener_ = signaler_->add_ready_listener([weak](bool ready) {
    if (auto self = weak.lock()) {
      self->post([ready](EngineCore& core) { core.on_signaler_ready(ready); });
    }
  });
  if (signaler_->ready()) on_signaler_ready(true);
}

void EngineCore::remove_signaler_handlers() {
  if (ready_listener_) signaler_->remove_ready_listener(ready_listener_);
  ready_listener_ = 0;
  signaler_->off("role");
  signaler_->off("description");
  signaler_->off("icecandidate");
  signaler_->off("key-confirmation");
  signaler_->on_error(nullptr);
}

void EngineCore::on_signaler_ready(bool ready) {
  outbox_.on_ready_changed(ready);
  if (ready && restart_waiting_for_signaler_) {
    restart_waiting_for_signaler_ = false;
    attempt_ice_restart();
  }
}

// ---- shared secret (SignalingGate): the key agreed with the peer ----
void EngineCore::send_signal(Json message) {
  for (auto& ready : auth_.outgoing(std::move(message))) outbox_.send(std::move(ready));
}

bool EngineCore::authentic(const Json& message) {
  auto verdict = auth_.incoming(message);
  if (verdict.error.empty()) return verdict.pass;
  if (verdict.final) {
    end_on_final_error(AuthenticationError(verdict.error));
  } else if (verdict.authentication) {
    report_error(AuthenticationError(verdict.error));
  } else {
    report_error(ProtocolError(verdict.error));
  }
  return false;
}

void EngineCore::agree_on_key() {
  if (!auth_.enabled()) return;
  auto released = auth_.agree();
  // Its only error is the final one: too many keys were never confirmed.
  if (!released.error.empty()) end_on_final_error(AuthenticationError(released.error));
  for (auto& message : released.outgoing) outbox_.send(std::move(message));
  for (const auto& message : released.incoming) {
    if (message.value("type", "") == "description") {
      on_description_message(message);
    } else {
      on_key_confirmation(message);
    }
  }
}

void EngineCore::on_key_confirmation(const Json& message) {
  authentic(message);  // all it does: confirms the key, or reports a wrong one
}
// ---- end of shared secret ----

void EngineCore::send_own_seed() {
  Json message = {{"type", "role"}, {"seed", roles_.seed()}};
  if (options_.protocol_extensions) message[kExtensionsKey] = PeerExtensions::announcement();
  send_signal(std::move(message));
}

void EngineCore::on_role_message(const Json& message) {
  if (!authentic(message)) return;
  auto seed = message.find("seed");
  if (seed == message.end() || !seed->is_number()) {
    report_error(ProtocolError("ignored a role message without a numeric seed: " +
                               message.dump().substr(0, 120)));
    return;
  }
  // Before any channel of the session opens: the peer's description, and so
  // its channels, come after this message on the signaling path.
  if (options_.protocol_extensions) {
    *peer_extensions_ = PeerExtensions::from_role_message(message);
  }
  auto outcome = roles_.on_remote_seed(seed->get<double>());
  RTCENGINE_LOG(
      info,
      "engine " << this << ": remote seed " << seed->get<double>() << ", own " << roles_.seed()
                << (outcome.peer_restarted ? ", peer restarted" : "")
                << (outcome.role_settled ? (*roles_.polite() ? ", polite" : ", impolite") : ""));
  if (outcome.peer_restarted) {
    end_session("the peer restarted");
    status_.count_peer_restart();
  }
  if (outcome.send_own_seed) send_own_seed();
  if (outcome.role_settled) {
    agree_on_key();  // after our reply: the key is made from our latest share
    status_.set_role(*roles_.polite() ? Role::polite : Role::impolite);
    open_session();
  }
}

void EngineCore::on_description_message(const Json& message) {
  if (!authentic(message)) return;
  if (!session_) {
    keep_early_signal(message);
    return;
  }
  auto description = message.find("description");
  session_->negotiation->on_remote_description(description == message.end() ? Json()
                                                                            : *description);
}

void EngineCore::on_candidate_message(const Json& message) {
  if (!session_) {
    keep_early_signal(message);
    return;
  }
  auto candidate = message.find("candidate");
  if (candidate == message.end()) {
    report_error(ProtocolError("ignored an icecandidate message without a candidate field"));
    return;
  }
  session_->negotiation->on_remote_candidate(*candidate);
}

void EngineCore::keep_early_signal(const Json& message) {
  if (auto dropped = early_signals_.keep(message)) report_error(ProtocolError(*dropped));
}

void EngineCore::replay_early_signals() {
  for (const auto& message : early_signals_.take()) {
    if (message["type"] == "description") {
      on_description_message(message);
    } else {
      on_candidate_message(message);
    }
  }
}

}  // namespace rtcengine::detail
