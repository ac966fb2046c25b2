// Signaling, roles, sessions, automatic ICE restart and the public state.
#include "engine/engine_core.hpp"
#include "negotiation/seed_source.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"
#include "webrtc/runtime.hpp"

namespace rtcengine::detail {
namespace {

// Negotiation messages that arrive before their connection exists: a few
// descriptions and candidates normally; the bounds stop a hostile peer.
constexpr std::size_t kMaxEarlySignals = 256;
constexpr std::size_t kMaxEarlySignalBytes = 4 << 20;
// close() waits for sockets to hand over what was written, as long as bytes
// keep moving; a connection that is not up gets a short grace only.
constexpr auto kCloseStallLimit = std::chrono::seconds(5);
constexpr auto kCloseLimit = std::chrono::seconds(120);
constexpr auto kCloseLimitWhileDown = std::chrono::seconds(2);
constexpr auto kCloseDrainPoll = std::chrono::milliseconds(20);

ConnectionState to_connection_state(PeerState state) {
  switch (state) {
    case PeerState::fresh:
    case PeerState::connecting: return ConnectionState::connecting;
    case PeerState::connected: return ConnectionState::connected;
    case PeerState::disconnected: return ConnectionState::disconnected;
    case PeerState::failed: return ConnectionState::failed;
    case PeerState::closed: return ConnectionState::closed;
  }
  return ConnectionState::closed;
}

}  // namespace

EngineCore::EngineCore(std::shared_ptr<Signaler> signaler, EngineOptions options)
    : loop_(Runtime::instance().loop()),
      signaler_(std::move(signaler)),
      options_(std::move(options)),
      roles_(options_.role, next_role_seed),
      auth_(options_.shared_secret),
      outbox_(signaler_, [this](const std::string& error) { report_error(Error(error)); }) {
  Runtime::instance().request_log_level(options_.log_level);
  raise_log_level(options_.log_level);
  if (options_.role != Role::automatic) role_ = options_.role;
}

EngineCore::~EngineCore() = default;

void EngineCore::connect() {
  post([](EngineCore& self) {
    if (self.closing_) return;
    if (!self.started_) {
      self.start();
    } else if (self.state() == ConnectionState::failed) {
      self.attempt_ice_restart();
    }
  });
}

void EngineCore::start() {
  started_ = true;
  set_state(ConnectionState::connecting);
  install_signaler_handlers();
  try {
    signaler_->start();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler failed to start: ") + error.what()));
  }
  send_own_seed();
  if (options_.role != Role::automatic) open_session();
}

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
      self->post([text](EngineCore& core) { core.on_final_signaling_error(text); });
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

void EngineCore::on_final_signaling_error(const std::string& text) {
  end_on_final_error(SignalingError(text));
}

void EngineCore::end_on_final_error(const Error& error) {
  if (closing_) return;
  report_error(error);
  // No peer can be reached any more: waiting would be forever. Closing
  // fails pending requests with the same reason.
  close_reason_ = error.what();
  begin_close(false);
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

void EngineCore::on_signaler_ready(bool ready) {
  outbox_.on_ready_changed(ready);
  if (ready && restart_waiting_for_signaler_) {
    restart_waiting_for_signaler_ = false;
    attempt_ice_restart();
  }
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
    std::lock_guard lock(state_mutex_);
    ++peer_generation_;
  }
  if (outcome.send_own_seed) send_own_seed();
  if (outcome.role_settled) {
    agree_on_key();  // after our reply: the key is made from our latest share
    {
      std::lock_guard lock(state_mutex_);
      role_ = *roles_.polite() ? Role::polite : Role::impolite;
    }
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
  auto bytes = measure_json(message).bytes;
  if (early_signals_.size() >= kMaxEarlySignals ||
      early_signal_bytes_ + bytes > kMaxEarlySignalBytes) {
    report_error(ProtocolError("dropped a \"" + message.value("type", std::string("?")) +
                               "\" message that arrived before the connection: too many "
                               "are waiting already"));
    return;
  }
  early_signal_bytes_ += bytes;
  early_signals_.push_back(message);
}

PeerConnectionConfig EngineCore::connection_config() const {
  PeerConnectionConfig config;
  config.ice_servers = options_.ice_servers;
  config.ice_policy = options_.ice_policy;
  config.network_interfaces = options_.network_interfaces;
  config.allow_loopback = options_.allow_loopback;
  config.port_range_min = options_.port_range_min;
  config.port_range_max = options_.port_range_max;
  config.tcp_candidates = options_.tcp_candidates;
  config.same_machine = options_.same_machine.value_or(false);
  config.sctp_packet_size = options_.sctp_packet_size;
  config.disconnected_after = options_.disconnected_after;
  config.failed_after = options_.failed_after;
  return config;
}

void EngineCore::open_session() {
  if (session_ || closing_ || !roles_.polite()) return;
  auto session = std::make_unique<Session>();
  session->generation = ++generation_;
  session->polite = *roles_.polite();
  auto generation = session->generation;
  std::weak_ptr<EngineCore> weak = weak_from_this();
  auto current = [weak, generation]() -> EngineCore* {
    auto self = weak.lock();
    if (!self || !self->session_ || self->session_->generation != generation) return nullptr;
    return self.get();
  };

  PeerConnection::Callbacks callbacks;
  callbacks.on_negotiation_needed = [current] {
    if (auto* self = current()) self->session_->negotiation->on_negotiation_needed();
  };
  callbacks.on_ice_candidate = [current](const IceCandidate& candidate) {
    if (auto* self = current()) self->session_->negotiation->on_local_candidate(candidate);
  };
  callbacks.on_gathering_complete = [current] {
    if (auto* self = current()) self->session_->negotiation->on_gathering_complete();
  };
  callbacks.on_state = [current, generation](PeerState state) {
    if (auto* self = current()) self->on_peer_state(generation, state);
  };
  callbacks.on_data_channel = [current, generation](std::shared_ptr<DataChannel> channel) {
    if (auto* self = current()) self->on_data_channel(generation, std::move(channel));
  };
  callbacks.on_signaling_state = [current](SignalingState state) {
    if (auto* self = current()) self->on_signaling_state(state);
  };
  try {
    session->connection = PeerConnection::create(connection_config(), std::move(callbacks));
  } catch (const Error& error) {
    report_error(error);
    return;
  }
  session->negotiation = std::make_unique<PerfectNegotiation>(
      *session->connection, session->polite,
      [this](Json message) { send_signal(std::move(message)); },
      [this](const std::string& error) { report_error(ProtocolError(error)); });
  session_ = std::move(session);
  RTCENGINE_LOG(info, "engine " << this << ": connection " << generation_ << " opened as "
                                << (session_->polite ? "polite" : "impolite"));
  restart_delay_ = std::chrono::milliseconds(0);
  set_state(ConnectionState::connecting);

  auto early = std::move(early_signals_);
  early_signals_.clear();
  early_signal_bytes_ = 0;
  for (const auto& message : early) {
    if (message["type"] == "description") {
      on_description_message(message);
    } else {
      on_candidate_message(message);
    }
  }
  request_internal_socket();
  serve_requests();
}

void EngineCore::end_session(const std::string& reason) {
  if (!session_) return;
  auto session = std::move(session_);
  early_signals_.clear();
  early_signal_bytes_ = 0;
  // Sockets of this connection close now; requests not yet answered move on
  // to the next connection.
  for (auto& request : requests_) {
    if (request.in_flight) {
      auto core = std::move(request.in_flight);
      core->abort(reason);
    }
  }
  for (auto& [label, core] : session->unclaimed) core->abort(reason);
  for (auto& core : session->sockets) core->abort(reason);
  session.reset();
}

void EngineCore::on_peer_state(std::uint64_t, PeerState peer_state) {
  auto state = to_connection_state(peer_state);
  RTCENGINE_LOG(info, "engine " << this << ": peer connection state " << to_string(state));
  if (state == ConnectionState::closed) return;  // only close() closes the engine
  set_state(state);
  if (state == ConnectionState::connected) {
    restart_delay_ = std::chrono::milliseconds(0);
  } else if (state == ConnectionState::failed) {
    schedule_ice_restart(restart_delay_);
  }
}

void EngineCore::on_signaling_state(SignalingState state) {
  session_->signaling = state;
  if (state != SignalingState::stable) return;
  if (session_->connection->has_remote_description()) session_->negotiated = true;
  // Channels held back while an offer was pending may be created now.
  serve_requests();
}

void EngineCore::schedule_ice_restart(std::chrono::milliseconds delay) {
  if (restart_scheduled_) return;
  restart_scheduled_ = true;
  std::weak_ptr<EngineCore> weak = weak_from_this();
  loop_.post_after(delay, [weak] {
    auto self = weak.lock();
    if (!self) return;
    self->restart_scheduled_ = false;
    if (self->state() == ConnectionState::failed) self->attempt_ice_restart();
  });
}

void EngineCore::attempt_ice_restart() {
  if (closing_ || !session_) return;
  if (!signaler_->ready()) {
    // The offer could not reach the peer now; try the moment it can.
    restart_waiting_for_signaler_ = true;
    return;
  }
  RTCENGINE_LOG(info, "engine " << this << ": restarting ICE");
  session_->connection->restart_ice();
  auto next = std::max(restart_delay_ * 2, options_.ice_restart_backoff_initial);
  restart_delay_ = std::min(next, options_.ice_restart_backoff_max);
  // If this attempt fails without the state ever leaving "failed", try again.
  schedule_ice_restart(restart_delay_);
}

void EngineCore::restart_ice() {
  post([](EngineCore& self) {
    if (!self.closing_ && self.session_) self.session_->connection->restart_ice();
  });
}

void EngineCore::update_options(EngineOptions options) {
  post([options = std::move(options)](EngineCore& self) mutable {
    self.options_.ice_servers = std::move(options.ice_servers);
    self.options_.ice_policy = options.ice_policy;
    if (!self.session_) return;
    try {
      self.session_->connection->set_configuration(self.connection_config());
    } catch (const Error& error) {
      self.report_error(error);
    }
  });
}

void EngineCore::set_state(ConnectionState state) {
  Engine::StateHandler handler;
  {
    std::lock_guard lock(state_mutex_);
    if (state_ == state || state_ == ConnectionState::closed) return;
    state_ = state;
    handler = state_handler_;
  }
  state_changed_.notify_all();
  if (handler) handler(state);
  try {
    if (state == ConnectionState::connected) signaler_->on_connected();
    if (state == ConnectionState::disconnected) signaler_->on_disconnected();
    if (state == ConnectionState::failed) signaler_->on_failed();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler's state hook failed: ") + error.what()));
  }
}

void EngineCore::close() {
  // Holds a strong reference: the close sequence outlives the last Engine.
  auto self = shared_from_this();
  loop_.post([self] { self->begin_close(false); });
}

void EngineCore::begin_close(bool by_peer) {
  if (closing_) return;
  closing_ = true;
  (void)by_peer;
  fail_all_requests(close_reason_.empty() ? "the engine was closed before the socket opened"
                                          : close_reason_);
  if (!session_) {
    finish_close();
    return;
  }
  // Every socket first, each once what was written reached the peer; the
  // internal channel last, since the peer's engine closes everything (an
  // rtc-engine peer closes its whole connection) when that one closes.
  for (auto& core : session_->sockets) {
    if (core != session_->internal) core->close();
  }
  after_sockets_closed(false, [](EngineCore& self) {
    if (self.session_ && self.session_->internal) self.session_->internal->close();
    self.after_sockets_closed(true, [](EngineCore& core) { core.finish_close(); });
  });
}

void EngineCore::after_sockets_closed(bool with_internal, std::function<void(EngineCore&)> next) {
  auto self = shared_from_this();
  auto start = std::chrono::steady_clock::now();
  struct Watch {
    std::size_t unsent = SIZE_MAX;
    std::chrono::steady_clock::time_point moved;
  };
  auto watch = std::make_shared<Watch>();
  watch->moved = start;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [self, with_internal, start, watch, poll, next = std::move(next)] {
    std::size_t unsent = 0;
    bool closed = true;
    if (self->session_) {
      for (auto& core : self->session_->sockets) {
        if (core->is_closed() || (!with_internal && core == self->session_->internal)) continue;
        closed = false;
        unsent += core->unsent_bytes();
        RTCENGINE_LOG(verbose, "engine " << self.get() << ": waiting for " << core->describe());
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (unsent != watch->unsent) {
      watch->unsent = unsent;
      watch->moved = now;
    }
    bool up = self->state() == ConnectionState::connected;
    bool give_up = now - start > (up ? kCloseLimit : kCloseLimitWhileDown) ||
                   now - watch->moved > kCloseStallLimit;
    if (closed || give_up) {
      RTCENGINE_LOG(info, "engine " << self.get() << ": sockets closed=" << closed);
      auto done = next;
      *poll = nullptr;  // breaks the self-reference
      done(*self);
      return;
    }
    self->loop_.post_after(kCloseDrainPoll, *poll);
  };
  loop_.post_after(kCloseDrainPoll, *poll);
}

void EngineCore::finish_close() {
  end_session("the engine was closed");
  if (ready_listener_) signaler_->remove_ready_listener(ready_listener_);
  ready_listener_ = 0;
  signaler_->off("role");
  signaler_->off("description");
  signaler_->off("icecandidate");
  signaler_->on_error(nullptr);
  for (auto& [prefix, kept] : incoming_kept_) {
    for (auto& core : kept) core->abort("the engine was closed");
  }
  incoming_kept_.clear();
  set_state(ConnectionState::closed);
  try {
    signaler_->close();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler failed to close: ") + error.what()));
  }
  // From here on no user handler of this engine runs: a program that
  // destroys its engine and then its handlers' captures stays safe.
  error_handler_ = nullptr;
  {
    std::lock_guard lock(state_mutex_);
    state_handler_ = nullptr;
    finished_ = true;
  }
  state_changed_.notify_all();
}

bool EngineCore::wait_until_finished(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_mutex_);
  return state_changed_.wait_for(lock, timeout, [&] { return finished_; });
}

ConnectionState EngineCore::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

bool EngineCore::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  if (loop_.is_current()) {
    throw UsageError("Engine::wait_for() inside a handler would deadlock; use on_state_change()");
  }
  std::unique_lock lock(state_mutex_);
  state_changed_.wait_for(lock, timeout,
                          [&] { return state_ == state || state_ == ConnectionState::closed; });
  return state_ == state;
}

std::optional<Role> EngineCore::role() const {
  std::lock_guard lock(state_mutex_);
  return role_;
}

std::uint64_t EngineCore::peer_generation() const {
  std::lock_guard lock(state_mutex_);
  return peer_generation_;
}

void EngineCore::on_state_change(Engine::StateHandler handler) {
  std::lock_guard lock(state_mutex_);
  state_handler_ = std::move(handler);
}

void EngineCore::on_error(Engine::ErrorHandler handler) {
  post([handler = std::move(handler)](EngineCore& self) {
    self.error_handler_ = handler;
    if (!handler) return;
    auto kept = std::move(self.kept_errors_);
    self.kept_errors_.clear();
    for (auto& [kind, text] : kept) {
      switch (kind) {
        case ErrorKind::authentication: handler(AuthenticationError(text)); break;
        case ErrorKind::protocol: handler(ProtocolError(text)); break;
        case ErrorKind::plain: handler(Error(text)); break;
        case ErrorKind::signaling: handler(SignalingError(text)); break;
      }
    }
  });
}

void EngineCore::report_error(const Error& error) {
  RTCENGINE_LOG(warning, "engine " << this << ": " << error.what());
  if (error_handler_) {
    error_handler_(error);
    return;
  }
  if (kept_errors_.size() >= 64) kept_errors_.pop_front();
  ErrorKind kind = dynamic_cast<const AuthenticationError*>(&error) ? ErrorKind::authentication
                   : dynamic_cast<const ProtocolError*>(&error)     ? ErrorKind::protocol
                   : dynamic_cast<const SignalingError*>(&error)    ? ErrorKind::signaling
                                                                    : ErrorKind::plain;
  kept_errors_.emplace_back(kind, error.what());
}

void EngineCore::stats(std::function<void(ConnectionStats)> done) {
  post([done = std::move(done)](EngineCore& self) {
    if (!self.session_) {
      done({});
      return;
    }
    self.session_->connection->get_stats(done);
  });
}

}  // namespace rtcengine::detail
