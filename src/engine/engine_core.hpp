// The engine's coordinator: the role exchange, the current connection
// (Session), automatic ICE restart and the close sequence. The signaler's
// traffic goes through PeerSignals, socket work to the SocketBroker.
// Everything here runs on the EventLoop; the public Engine posts into it.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/engine_status.hpp"
#include "engine/error_reporter.hpp"
#include "engine/peer_signals.hpp"
#include "engine/session.hpp"
#include "engine/socket_broker.hpp"
#include "negotiation/peer_extensions.hpp"
#include "negotiation/role_assignment.hpp"
#include "rtcengine/engine.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

class EngineCore final : public std::enable_shared_from_this<EngineCore>,
                         private SocketBroker::Host,
                         private PeerSignals::Host {
 public:
  using SocketHandler = Engine::SocketHandler;
  using FailHandler = SocketBroker::FailHandler;
  using ChannelHandler = SocketBroker::ChannelHandler;

  static std::shared_ptr<EngineCore> create(std::shared_ptr<Signaler> signaler,
                                            EngineOptions options);
  EngineCore(std::shared_ptr<Signaler> signaler, EngineOptions options);  // use create()
  ~EngineCore();

  EventLoop& loop() { return loop_; }
  SocketBroker& sockets() { return broker_; }
  const EngineStatus& status() const { return status_; }

  // ---- any thread; each posts to the loop ----
  void connect();
  void close();
  void restart_ice();
  void update_options(EngineOptions options);
  void request_socket(std::optional<std::string> label, SocketHandler on_open, FailHandler on_fail);
  void on_state_change(Engine::StateHandler handler) { status_.on_change(std::move(handler)); }
  void on_error(Engine::ErrorHandler handler);
  void stats(std::function<void(ConnectionStats)> done);

  // ---- any thread, reads ----
  // Throws UsageError on the loop (it would deadlock).
  bool wait_for(ConnectionState state, std::chrono::milliseconds timeout) const;

 private:
  void start();
  void send_own_seed();
  void open_session();
  void end_session(const std::string& reason);
  void on_peer_state(PeerState state);
  void on_signaling_state(SignalingState state);
  void schedule_ice_restart(std::chrono::milliseconds delay);
  void attempt_ice_restart();
  void set_state(ConnectionState state);
  void begin_close();
  void finish_close();
  PeerConnectionConfig connection_config() const;
  // Runs `task` on the loop unless the engine is gone by then; the close
  // sequence holds its own strong reference instead.
  template <typename Task>
  void post(Task task) {
    std::weak_ptr<EngineCore> weak = weak_from_this();
    loop_.post([weak, task = std::move(task)]() mutable {
      if (auto self = weak.lock()) task(*self);
    });
  }

  // PeerSignals::Host
  void on_role_message(const Json& message) override;
  void on_remote_description(const Json& description) override;
  void on_remote_candidate(const Json& candidate) override;
  bool has_connection() const override { return session_ != nullptr; }
  void on_signaler_ready(bool ready) override;
  bool closing() const override { return closing_; }
  void end_on_final_error(const Error& error) override;

  // SocketBroker::Host
  Session* session() override { return session_.get(); }
  std::optional<std::string> closed_reason() const override;
  bool connected() const override { return status_.state() == ConnectionState::connected; }
  void report_error(const Error& error) override { errors_.report(error); }  // both hosts
  void on_internal_channel_closed(std::uint64_t generation) override;

  EventLoop& loop_;
  std::shared_ptr<Signaler> signaler_;
  EngineOptions options_;
  RoleAssignment roles_;
  // Filled from the peer's role message; shared with every socket.
  std::shared_ptr<PeerExtensions> peer_extensions_ = std::make_shared<PeerExtensions>();
  EngineStatus status_;
  ErrorReporter errors_;
  PeerSignals signals_;
  SocketBroker broker_;
  std::unique_ptr<Session> session_;
  std::uint64_t generation_ = 0;
  bool started_ = false;
  bool closing_ = false;
  std::string close_reason_;  // set when the engine closed itself; failed requests say it

  // ICE restart with backoff.
  std::chrono::milliseconds restart_delay_{0};
  bool restart_scheduled_ = false;
  bool restart_waiting_for_signaler_ = false;
};

}  // namespace rtcengine::detail
