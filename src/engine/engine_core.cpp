// The connection's life: start, the role exchange, one Session per settled
// role, automatic ICE restart with backoff, the public state, and the close
// sequence.
#include "engine/engine_core.hpp"

#include "engine/close_drain.hpp"
#include "negotiation/seed_source.hpp"
#include "util/log.hpp"
#include "webrtc/runtime.hpp"

namespace rtcengine::detail {
namespace {

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

std::optional<Role> fixed_role(Role role) {
  if (role == Role::automatic) return std::nullopt;
  return role;
}

}  // namespace

EngineCore::EngineCore(std::shared_ptr<Signaler> signaler, EngineOptions options)
    : loop_(Runtime::instance().loop()),
      signaler_(std::move(signaler)),
      options_(std::move(options)),
      roles_(options_.role, next_role_seed),
      status_(fixed_role(options_.role)),
      errors_(this),
      signals_(signaler_, options_.shared_secret, loop_, *this),
      broker_(loop_, *this, peer_extensions_) {
  Runtime::instance().request_log_level(options_.log_level);
  raise_log_level(options_.log_level);
}

std::shared_ptr<EngineCore> EngineCore::create(std::shared_ptr<Signaler> signaler,
                                               EngineOptions options) {
  auto core = std::make_shared<EngineCore>(std::move(signaler), std::move(options));
  core->broker_.bind(core);
  return core;
}

EngineCore::~EngineCore() = default;

void EngineCore::connect() {
  post([](EngineCore& self) {
    if (self.closing_) return;
    if (!self.started_) {
      self.start();
    } else if (self.status_.state() == ConnectionState::failed) {
      self.attempt_ice_restart();
    }
  });
}

void EngineCore::start() {
  started_ = true;
  set_state(ConnectionState::connecting);
  signals_.install(weak_from_this());
  try {
    signaler_->start();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler failed to start: ") + error.what()));
  }
  send_own_seed();
  if (options_.role != Role::automatic) open_session();
}

void EngineCore::request_socket(std::optional<std::string> label, SocketHandler on_open,
                                FailHandler on_fail) {
  auto open = [on_open = std::move(on_open)](std::shared_ptr<SocketCore> core) {
    on_open(std::make_shared<Socket>(std::move(core)));
  };
  if (label) {
    broker_.request_negotiated(*label, std::move(open), std::move(on_fail));
  } else {
    broker_.request_unnegotiated(kUnnegotiatedSocketPrefix, std::move(open), std::move(on_fail));
  }
}

void EngineCore::send_own_seed() {
  Json message = {{"type", "role"}, {"seed", roles_.seed()}};
  if (options_.protocol_extensions) message[kExtensionsKey] = PeerExtensions::announcement();
  signals_.send(std::move(message));
}

void EngineCore::on_role_message(const Json& message) {
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
    signals_.agree_on_key();  // after our reply: the key is made from our latest share
    status_.set_role(*roles_.polite() ? Role::polite : Role::impolite);
    open_session();
  }
}

void EngineCore::on_remote_description(const Json& description) {
  session_->negotiation->on_remote_description(description);
}

void EngineCore::on_remote_candidate(const Json& candidate) {
  session_->negotiation->on_remote_candidate(candidate);
}

void EngineCore::on_signaler_ready(bool ready) {
  signals_.on_ready_changed(ready);
  if (ready && restart_waiting_for_signaler_) {
    restart_waiting_for_signaler_ = false;
    attempt_ice_restart();
  }
}

std::optional<std::string> EngineCore::closed_reason() const {
  if (!closing_) return std::nullopt;
  if (!close_reason_.empty()) return close_reason_;
  return "the engine is closed; create a new engine to open sockets";
}

void EngineCore::end_on_final_error(const Error& error) {
  if (closing_) return;
  report_error(error);
  // No peer can be reached any more: waiting would be forever. Closing
  // fails pending requests with the same reason.
  close_reason_ = error.what();
  begin_close();
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
  callbacks.on_state = [current](PeerState state) {
    if (auto* self = current()) self->on_peer_state(state);
  };
  callbacks.on_data_channel = [current](std::shared_ptr<DataChannel> channel) {
    if (auto* self = current()) self->broker_.on_data_channel(std::move(channel));
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
      [this](Json message) { signals_.send(std::move(message)); },
      [this](const std::string& error) { report_error(ProtocolError(error)); });
  session_ = std::move(session);
  RTCENGINE_LOG(info, "engine " << this << ": connection " << generation_ << " opened as "
                                << (session_->polite ? "polite" : "impolite"));
  restart_delay_ = std::chrono::milliseconds(0);
  set_state(ConnectionState::connecting);
  signals_.replay_early();
  broker_.on_connection_opened();
}

void EngineCore::end_session(const std::string& reason) {
  if (!session_) return;
  auto session = std::move(session_);
  signals_.drop_early();
  // Sockets of this connection close now; requests not yet answered move on
  // to the next connection.
  broker_.abort_session(*session, reason);
  session.reset();
}

void EngineCore::on_peer_state(PeerState peer_state) {
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
  broker_.serve_requests();
}

void EngineCore::schedule_ice_restart(std::chrono::milliseconds delay) {
  if (restart_scheduled_) return;
  restart_scheduled_ = true;
  std::weak_ptr<EngineCore> weak = weak_from_this();
  loop_.post_after(delay, [weak] {
    auto self = weak.lock();
    if (!self) return;
    self->restart_scheduled_ = false;
    if (self->status_.state() == ConnectionState::failed) self->attempt_ice_restart();
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
  auto handler = status_.change_to(state);
  if (!handler) return;
  if (*handler) (*handler)(state);
  try {
    if (state == ConnectionState::connected) signaler_->on_connected();
    if (state == ConnectionState::disconnected) signaler_->on_disconnected();
    if (state == ConnectionState::failed) signaler_->on_failed();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler's state hook failed: ") + error.what()));
  }
}

bool EngineCore::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  if (loop_.is_current()) {
    throw UsageError("Engine::wait_for() inside a handler would deadlock; use on_state_change()");
  }
  return status_.wait_for(state, timeout);
}

void EngineCore::on_error(Engine::ErrorHandler handler) {
  post([handler = std::move(handler)](EngineCore& self) mutable {
    self.errors_.set_handler(std::move(handler));
  });
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

// ---- close: every socket hands over what was written, then the connection goes ----
void EngineCore::close() {
  // Holds a strong reference: the close sequence outlives the last Engine.
  auto self = shared_from_this();
  loop_.post([self] { self->begin_close(); });
}

void EngineCore::on_internal_channel_closed(std::uint64_t generation) {
  // The peer closing its engine closed our internal channel: close too.
  if (closing_ || !session_ || session_->generation != generation) return;
  begin_close();
}

void EngineCore::begin_close() {
  if (closing_) return;
  closing_ = true;
  broker_.fail_all_requests(close_reason_.empty() ? "the engine was closed before the socket opened"
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
  auto self = shared_from_this();
  auto read = [self](bool with_internal) {
    DrainReading reading;
    if (!self->session_) return reading;
    for (auto& core : self->session_->sockets) {
      if (core->is_closed() || (!with_internal && core == self->session_->internal)) continue;
      reading.all_closed = false;
      reading.unsent_bytes += core->unsent_bytes();
      RTCENGINE_LOG(verbose, "engine " << self.get() << ": waiting for " << core->describe());
    }
    return reading;
  };
  auto connected = [self] { return self->connected(); };
  drain_sockets(
      loop_, [read] { return read(false); }, connected,
      [self, read, connected] {
        if (self->session_ && self->session_->internal) self->session_->internal->close();
        drain_sockets(
            self->loop_, [read] { return read(true); }, connected,
            [self] { self->finish_close(); });
      });
}

void EngineCore::finish_close() {
  end_session("the engine was closed");
  signals_.remove();
  broker_.abort_kept("the engine was closed");
  set_state(ConnectionState::closed);
  try {
    signaler_->close();
  } catch (const std::exception& error) {
    report_error(Error(std::string("the signaler failed to close: ") + error.what()));
  }
  // From here on no user handler of this engine runs: a program that
  // destroys its engine and then its handlers' captures stays safe.
  errors_.set_handler(nullptr);
  status_.mark_finished();
}

}  // namespace rtcengine::detail
