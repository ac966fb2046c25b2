// The engine's state machine. Everything here runs on the EventLoop; the
// public Engine posts into it. Split in two files: connection.cpp (signaling,
// roles, sessions, ICE restart, state) and socket_requests.cpp (socket()
// calls and incoming channels).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/session.hpp"
#include "engine/signaling_outbox.hpp"
#include "negotiation/peer_extensions.hpp"
#include "negotiation/role_assignment.hpp"
#include "negotiation/signaling_gate.hpp"
#include "rtcengine/engine.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

class EngineCore : public std::enable_shared_from_this<EngineCore> {
 public:
  using SocketHandler = Engine::SocketHandler;
  using FailHandler = std::function<void(std::exception_ptr)>;
  using ChannelHandler = std::function<void(std::shared_ptr<SocketCore>)>;

  EngineCore(std::shared_ptr<Signaler> signaler, EngineOptions options);
  ~EngineCore();

  EventLoop& loop() { return loop_; }

  // ---- any thread; each posts to the loop ----
  void connect();
  void close();
  void restart_ice();
  void update_options(EngineOptions options);
  void request_socket(std::optional<std::string> label, SocketHandler on_open, FailHandler on_fail);
  // The peer's unnegotiated channels whose label starts with `prefix`.
  void set_incoming_handler(const std::string& prefix, ChannelHandler handler);
  void on_state_change(Engine::StateHandler handler);
  void on_error(Engine::ErrorHandler handler);
  void stats(std::function<void(ConnectionStats)> done);
  // Creates an unnegotiated channel with `prefix`_n and reports when the
  // peer acknowledged it (used by unnegotiated transactions).
  void request_unnegotiated(const std::string& prefix, ChannelHandler on_open, FailHandler on_fail);
  void request_negotiated(const std::string& label, ChannelHandler on_open, FailHandler on_fail);

  // ---- any thread, reads ----
  ConnectionState state() const;
  bool wait_for(ConnectionState state, std::chrono::milliseconds timeout) const;
  // Waits until the close sequence ran to its end and no handler of this
  // engine will run again (false on timeout). Not from the loop.
  bool wait_until_finished(std::chrono::milliseconds timeout) const;
  std::optional<Role> role() const;
  std::uint64_t peer_generation() const;

  // ---- loop only ----
  void report_error(const Error& error);
  // The peer's channels waiting for the user (per kind) are bounded: false
  // (and the channel closed, and an error reported) past the bound.
  static constexpr std::size_t kMaxWaitingChannels = 256;
  bool admit_waiting(SocketCore& core, std::size_t already_waiting);

 private:
  struct SocketRequest {
    std::uint64_t id = 0;
    std::optional<std::string> label;  // nullopt: unnegotiated
    std::string unnegotiated_prefix;
    bool internal = false;
    ChannelHandler on_open;
    FailHandler on_fail;
    std::shared_ptr<SocketCore> in_flight;
    int attempts = 0;  // channels created for it on this connection
  };

  // connection.cpp
  void start();
  void install_signaler_handlers();
  // The signaler gave up for good (SignalingError): report, then close.
  void on_final_signaling_error(const std::string& text);
  // Reports an error after which no connection can be made, then closes.
  void end_on_final_error(const Error& error);
  void on_role_message(const Json& message);
  void on_description_message(const Json& message);
  void on_candidate_message(const Json& message);
  void keep_early_signal(const Json& message);
  void on_signaler_ready(bool ready);
  void open_session();
  void end_session(const std::string& reason);
  void on_peer_state(std::uint64_t generation, PeerState state);
  void on_signaling_state(SignalingState state);
  void schedule_ice_restart(std::chrono::milliseconds delay);
  void attempt_ice_restart();
  void set_state(ConnectionState state);
  void send_signal(Json message);
  void send_own_seed();
  // With a shared secret: a role or description message passes the
  // SignalingGate; false when it waits for the key or is refused (reported).
  bool authentic(const Json& message);
  // After the peer's role message: the key with its share; sends what waited.
  void agree_on_key();
  void on_key_confirmation(const Json& message);
  void begin_close(bool by_peer);
  // Calls `next` once every socket of the session (the internal one only
  // `with_internal`) closed, or when closing stopped making progress.
  void after_sockets_closed(bool with_internal, std::function<void(EngineCore&)> next);
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

  // socket_requests.cpp
  void add_request(SocketRequest request);
  void serve_requests();
  void serve(SocketRequest& request);
  void fulfil(std::uint64_t request_id, std::shared_ptr<SocketCore> core);
  void on_data_channel(std::uint64_t generation, std::shared_ptr<DataChannel> channel);
  void claim_unclaimed(const std::string& label);
  // Closes the channels that waited longest until one more may wait.
  void make_room_for_waiting_channel();
  // Whether this side may create a channel now (see socket_requests.cpp).
  bool may_create_channels() const;
  void watch_channel_opens(std::uint64_t request_id, std::weak_ptr<SocketCore> core);
  void on_channel_lost(std::uint64_t request_id, const std::shared_ptr<SocketCore>& core);
  void keep_incoming(const std::string& prefix, std::shared_ptr<SocketCore> core);
  void request_internal_socket();
  void fail_all_requests(const std::string& reason);
  std::shared_ptr<SocketCore> make_core(std::shared_ptr<DataChannel> channel,
                                        SocketCore::Side side);
  bool label_in_use(const std::string& label) const;

  EventLoop& loop_;
  std::shared_ptr<Signaler> signaler_;
  EngineOptions options_;
  RoleAssignment roles_;
  // Filled from the peer's role message; shared with every socket.
  std::shared_ptr<PeerExtensions> peer_extensions_ = std::make_shared<PeerExtensions>();
  SignalingGate auth_;
  SignalingOutbox outbox_;
  std::unique_ptr<Session> session_;
  std::uint64_t generation_ = 0;
  bool started_ = false;
  bool closing_ = false;
  std::string close_reason_;  // set when the engine closed itself; failed requests say it
  Signaler::ListenerId ready_listener_ = 0;
  std::deque<Json> early_signals_;  // negotiation messages before a session
  std::size_t early_signal_bytes_ = 0;

  // ICE restart with backoff.
  std::chrono::milliseconds restart_delay_{0};
  bool restart_scheduled_ = false;
  bool restart_waiting_for_signaler_ = false;

  // State, readable from any thread.
  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_changed_;
  ConnectionState state_ = ConnectionState::inactive;
  std::optional<Role> role_;
  std::uint64_t peer_generation_ = 0;
  Engine::StateHandler state_handler_;
  bool finished_ = false;  // finish_close() returned: no handler runs again

  Engine::ErrorHandler error_handler_;
  enum class ErrorKind { plain, protocol, authentication, signaling };
  std::deque<std::pair<ErrorKind, std::string>> kept_errors_;

  // Sockets.
  std::uint64_t next_request_id_ = 1;
  std::list<SocketRequest> requests_;
  std::map<std::string, std::weak_ptr<SocketCore>> open_labels_;
  std::uint64_t unnegotiated_counter_ = 0;
  std::map<std::string, ChannelHandler> incoming_handlers_;
  std::map<std::string, std::deque<std::shared_ptr<SocketCore>>> incoming_kept_;
};

}  // namespace rtcengine::detail
