// Everything between the engine and its signaler: the handlers it installs,
// the shared secret's checks (SignalingGate), the outbox for a signaler that
// is not ready, and the negotiation messages that arrive before their
// connection. What passes reaches the engine through Host, on the loop.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/early_signals.hpp"
#include "engine/signaling_outbox.hpp"
#include "negotiation/signaling_gate.hpp"
#include "rtcengine/errors.hpp"
#include "rtcengine/signaler.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

class PeerSignals {
 public:
  class Host {
   public:
    // Each message here passed the gate (when a secret is set).
    virtual void on_role_message(const Json& message) = 0;
    // Only while a connection exists; earlier ones wait (bounded).
    virtual void on_remote_description(const Json& description) = 0;
    virtual void on_remote_candidate(const Json& candidate) = 0;
    virtual bool has_connection() const = 0;
    virtual void on_signaler_ready(bool ready) = 0;
    virtual bool closing() const = 0;
    virtual void report_error(const Error& error) = 0;
    // No connection can be made any more (the signaler gave up, or the
    // shared secret can never be agreed): report and close.
    virtual void end_on_final_error(const Error& error) = 0;

   protected:
    ~Host() = default;
  };

  PeerSignals(std::shared_ptr<Signaler> signaler, std::string shared_secret, EventLoop& loop,
              Host& host);

  // Loop only. Handlers run only while `owner` (the engine) lives.
  void install(std::weak_ptr<void> owner);
  void remove();
  void send(Json message);
  // After the peer's role message: the key from its share; sends what
  // waited for it and handles the peer's messages that did.
  void agree_on_key();
  // A connection opened: the messages that came before it, in order.
  void replay_early();
  void drop_early() { early_.clear(); }
  void on_ready_changed(bool ready) { outbox_.on_ready_changed(ready); }

 private:
  void route(const std::string& type, void (PeerSignals::*handle)(const Json&));
  void on_role(const Json& message);
  void on_description(const Json& message);
  void on_candidate(const Json& message);
  void on_key_confirmation(const Json& message);
  // False when the message waits for the key or was refused (reported).
  bool authentic(const Json& message);
  void keep_early(const Json& message);

  std::shared_ptr<Signaler> signaler_;
  EventLoop& loop_;
  Host& host_;
  SignalingGate gate_;
  SignalingOutbox outbox_;
  EarlySignals early_;
  std::weak_ptr<void> owner_;
  Signaler::ListenerId ready_listener_ = 0;
};

}  // namespace rtcengine::detail
