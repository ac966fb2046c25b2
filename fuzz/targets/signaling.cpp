// Signaling messages from the peer (or a signaling server in the middle):
// raw text through the Signaler base (size limit, JSON, routing by "type",
// messages kept for types without a handler), then what the engine does
// with "role", "description" and "icecandidate" messages: the signature
// check, the role exchange and perfect negotiation over a fake peer
// connection, the peer's announcement of protocol extensions (the
// engine's default, protocol_extensions on). Every malformed message must
// end as an error report.
//
// The handlers mirror EngineCore::on_*_message (src/engine/connection.cpp),
// which cannot be built without libwebrtc; keep them in step.
//
// Input: the first byte picks the setup (bit 0: a shared secret, bit 1:
// polite, bit 2: the peer connection refuses everything); then one message
// per line.
#include "negotiation/peer_extensions.hpp"
#include "negotiation/perfect_negotiation.hpp"
#include "negotiation/role_assignment.hpp"
#include "negotiation/signaling_gate.hpp"
#include "rtcengine/signaler.hpp"
#include "support/check.hpp"
#include "support/fake_peer_connection.hpp"

namespace rtcengine::fuzz {
namespace {

class FuzzSignaler final : public Signaler {
 public:
  void send(const Json& message) override {
    // What we send is JSON text: it must serialize.
    (void)message.dump();
  }
  void deliver(std::string_view text) { receive_text(text); }
};

struct Engine {
  explicit Engine(std::uint8_t setup)
      : gate(setup & 1 ? "fuzz-secret" : ""),
        roles(Role::automatic, [] { return 0.5; }),
        connection(setup & 4),
        negotiation(
            connection, setup & 2, [this](Json message) { send_signal(std::move(message)); },
            [this](const std::string& error) { errors += error.size(); }) {}

  void send_signal(Json message) {
    for (auto& ready : gate.outgoing(std::move(message))) signaler.send(ready);
  }
  bool authentic(const Json& message) {
    auto verdict = gate.incoming(message);
    if (!verdict.error.empty()) ++errors;
    return verdict.pass;
  }

  void on_role(const Json& message) {
    if (!authentic(message)) return;
    auto seed = message.find("seed");
    if (seed == message.end() || !seed->is_number()) return;
    peer_extensions = detail::PeerExtensions::from_role_message(message);
    auto outcome = roles.on_remote_seed(seed->get<double>());
    if (outcome.send_own_seed) {
      send_signal({{"type", "role"},
                   {"seed", roles.seed()},
                   {detail::kExtensionsKey, detail::PeerExtensions::announcement()}});
    }
    agree_on_key();
  }
  void agree_on_key() {
    if (!gate.enabled()) return;
    auto released = gate.agree();
    if (!released.error.empty()) ++errors;
    for (auto& message : released.outgoing) signaler.send(message);
    for (const auto& message : released.incoming) {
      if (message.value("type", "") == "description") accept_description(message);
    }
  }
  void on_description(const Json& message) {
    if (!authentic(message)) return;
    accept_description(message);
  }
  void accept_description(const Json& message) {
    auto description = message.find("description");
    negotiation.on_remote_description(description == message.end() ? Json() : *description);
  }
  void on_candidate(const Json& message) {
    auto candidate = message.find("candidate");
    if (candidate == message.end()) return;
    negotiation.on_remote_candidate(*candidate);
  }

  FuzzSignaler signaler;
  detail::SignalingGate gate;
  detail::RoleAssignment roles;
  FakePeerConnection connection;
  detail::PerfectNegotiation negotiation;
  detail::PeerExtensions peer_extensions;
  std::size_t errors = 0;
};

}  // namespace

void signaling(Input input) {
  if (input.empty()) return;
  Engine engine(input[0]);
  engine.signaler.on_error([&](const Error& error) { engine.errors += error.what()[0] != 0; });
  engine.signaler.on("role", [&](const Json& message) { engine.on_role(message); });
  engine.signaler.on("description", [&](const Json& message) { engine.on_description(message); });
  engine.signaler.on("icecandidate", [&](const Json& message) { engine.on_candidate(message); });
  engine.signaler.on("key-confirmation", [&](const Json& message) { engine.authentic(message); });
  engine.negotiation.on_negotiation_needed();
  for (auto line : lines_of(input.subspan(1))) engine.signaler.deliver(line);
  // A handler set late gets what was kept for it, in order.
  engine.signaler.on("kept", [](const Json& message) {
    require(message.is_object() && message.contains("type"), "a kept message lost its type");
  });
}

}  // namespace rtcengine::fuzz
