// Where signaling meets SignalingAuth: what the engine sends and receives
// passes here. With a shared secret, role messages get our key share and
// the peer's is checked; once the key exists we confirm it to the peer.
// Every other message we send waits until the key exists (a fixed role
// negotiates before the peer's role message arrives), and the peer's
// descriptions and confirmations that arrive before it wait too (bounded).
// Without a secret everything passes untouched. Engine thread.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "negotiation/signaling_auth.hpp"

namespace rtcengine::detail {

class SignalingGate {
 public:
  using Json = nlohmann::json;
  // Messages of the peer held until the key exists; more is a hostile peer.
  static constexpr std::size_t kMaxHeld = 64;
  static constexpr std::size_t kMaxHeldBytes = 1 << 20;

  explicit SignalingGate(std::string secret) : auth_(std::move(secret)) {}
  bool enabled() const { return auth_.enabled(); }

  // What to send now, in order: the message itself, or nothing while it
  // waits for the key (agree() releases it).
  std::vector<Json> outgoing(Json message);

  struct Verdict {
    bool pass = false;
    bool authentication = false;  // error is an AuthenticationError (else a ProtocolError)
    std::string error;            // empty: nothing to report (held, or already reported)
    bool final = false;           // no key will ever be agreed: the engine should close

    static Verdict passed() { return {true, false, {}, false}; }
    static Verdict quiet() { return {false, false, {}, false}; }
    static Verdict refused(std::string error, bool authentication = true) {
      return {false, authentication, std::move(error), false};
    }
  };
  // A role, description or key-confirmation from the peer: pass, held for
  // the key, or refused. Other types pass.
  Verdict incoming(const Json& message);

  struct Released {
    std::vector<Json> outgoing;  // our key-confirmation, then ours that waited, now signed
    std::vector<Json> incoming;  // the peer's that waited and verify under the key
    std::string error;           // a final AuthenticationError: gave up on the secret
  };
  // After a role message passed (and our own reply, if any, was sent):
  // agrees on the key with its share. The peer's held messages that do not
  // verify predate its role message (a previous exchange) and are dropped.
  Released agree();

 private:
  Verdict refuse_once(std::string error);
  Verdict hold(const Json& message);

  SignalingAuth auth_;
  std::deque<Json> held_outgoing_;
  std::deque<Json> held_incoming_;
  std::size_t held_incoming_bytes_ = 0;
  bool gave_up_reported_ = false;
};

}  // namespace rtcengine::detail
