// The public Engine: argument checks, blocking helpers and the handlers'
// close gate over EngineCore. Each transaction rides on one socket, which
// the engine opens like any other (transaction_opener).
#include "rtcengine/engine.hpp"

#include "engine/engine_core.hpp"
#include "engine/incoming.hpp"
#include "engine/incoming_routes.hpp"
#include "engine/session.hpp"
#include "engine/transaction_opener.hpp"
#include "socket/frame_codec.hpp"
#include "util/handler_gate.hpp"

namespace rtcengine {

using detail::EngineCore;

namespace {

// Longer than the close drain (2 s), so a normal close always completes.
constexpr auto kDestructorCloseLimit = std::chrono::seconds(4);

using detail::HandlerGate;

// `handler`, run only while the engine is not closed by close().
template <typename... Args>
std::function<void(Args...)> gated(const std::shared_ptr<HandlerGate>& gate,
                                   std::function<void(Args...)> handler) {
  if (!handler) return nullptr;
  return
      [gate, handler = std::move(handler)](Args... args) { gate->run([&] { handler(args...); }); };
}

// Waits until the loop ran what was posted to it so far (what the close
// posted: transactions' final states); false on timeout.
bool loop_ran_queued(detail::EventLoop& loop, std::chrono::milliseconds timeout) {
  auto ran = std::make_shared<std::promise<void>>();
  auto future = ran->get_future();
  loop.post([ran] { ran->set_value(); });
  return future.wait_for(timeout) == std::future_status::ready;
}

}  // namespace

std::shared_ptr<Engine> Engine::create(std::shared_ptr<Signaler> signaler, EngineOptions options) {
  if (!signaler) throw InvalidOptionError("Engine::create needs a signaler, got nullptr");
  EngineOptions merged;
  signaler->contribute_options(merged);
  // The user's options win over the signaler's, except that a signaler
  // asking for loopback keeps it (both peers are on one machine then).
  bool signaler_loopback = merged.allow_loopback;
  auto signaler_same_machine = merged.same_machine;
  merged = std::move(options);
  merged.allow_loopback = merged.allow_loopback || signaler_loopback;
  if (!merged.same_machine) merged.same_machine = signaler_same_machine;
  merged.validate();
  auto core = EngineCore::create(std::move(signaler), merged);
  std::shared_ptr<Engine> engine(new Engine(core));
  if (merged.auto_connect) engine->connect();
  return engine;
}

Engine::Engine(std::shared_ptr<EngineCore> core)
    : core_(std::move(core)),
      incoming_sockets_(std::make_shared<detail::Incoming<SocketPtr>>(
          [](const SocketPtr& kept) { return !kept->is_open(); })),
      incoming_readables_(std::make_shared<detail::Incoming<ReadablePtr>>(
          [](const ReadablePtr& kept) { return kept->state() == TransferState::failed; })),
      handlers_(std::make_shared<HandlerGate>()) {
  detail::route_incoming_sockets(*core_, incoming_sockets_);
  detail::route_incoming_transactions(*core_, incoming_readables_);
}

Engine::~Engine() {
  close();
  // Outside a handler, wait (bounded) for the close to finish so that no
  // handler runs after the destructor returns: the close sequence, then
  // what it posted (transactions' final states). Inside one, the loop
  // thread must go on to run the close, so it finishes in the background.
  if (core_->loop().is_current()) return;
  if (core_->status().wait_until_finished(kDestructorCloseLimit)) {
    loop_ran_queued(core_->loop(), kDestructorCloseLimit);
  }
}

void Engine::connect() { core_->connect(); }

void Engine::close() {
  // First: from here only the close's own handlers run (sockets' on_close,
  // transactions' final states, the state `closed`).
  handlers_->close();
  core_->close();
}
void Engine::restart_ice() { core_->restart_ice(); }

void Engine::update_options(EngineOptions options) {
  options.validate();
  core_->update_options(std::move(options));
}

ConnectionState Engine::state() const { return core_->status().state(); }
void Engine::on_state_change(StateHandler handler) {
  if (handler) {
    // `closed` is the close's own report: it comes once, even after close().
    handler = [gate = handlers_, handler = std::move(handler)](ConnectionState state) {
      if (state == ConnectionState::closed) {
        handler(state);
      } else {
        gate->run([&] { handler(state); });
      }
    };
  }
  core_->on_state_change(std::move(handler));
}
bool Engine::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  return core_->wait_for(state, timeout);
}
std::optional<Role> Engine::role() const { return core_->status().role(); }
std::uint64_t Engine::peer_generation() const { return core_->status().peer_generation(); }

namespace {

template <typename T>
std::function<void(std::exception_ptr)> fail_into(std::shared_ptr<std::promise<T>> promise) {
  return [promise](std::exception_ptr error) { promise->set_exception(std::move(error)); };
}

std::future<SocketPtr> request_future(EngineCore& core, std::optional<std::string> label) {
  auto promise = std::make_shared<std::promise<SocketPtr>>();
  auto future = promise->get_future();
  core.request_socket(
      std::move(label), [promise](SocketPtr socket) { promise->set_value(std::move(socket)); },
      fail_into(promise));
  return future;
}

}  // namespace

std::future<SocketPtr> Engine::socket(std::string label) {
  return request_future(*core_, std::move(label));
}

void Engine::socket(std::string label, SocketHandler on_open) {
  core_->request_socket(std::move(label), gated(handlers_, std::move(on_open)), nullptr);
}

std::future<SocketPtr> Engine::socket() { return request_future(*core_, std::nullopt); }

void Engine::socket(SocketHandler on_open) {
  core_->request_socket(std::nullopt, gated(handlers_, std::move(on_open)), nullptr);
}

void Engine::on_socket(SocketHandler handler) {
  incoming_sockets_->set_handler(gated(handlers_, std::move(handler)), core_->loop());
}

SocketPtr Engine::next_socket(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_socket() inside a handler would deadlock; use on_socket()");
  }
  return incoming_sockets_->next(timeout);
}

std::future<WritablePtr> Engine::writable(std::string label, Json metadata,
                                          TransferOptions options) {
  // Here, on the caller's thread: later it would fail on the engine's.
  options.validate();
  detail::require_encodable(metadata, "the transaction's metadata");
  auto promise = std::make_shared<std::promise<WritablePtr>>();
  auto future = promise->get_future();
  core_->request_socket(
      std::move(label),
      [promise, metadata = std::move(metadata), options](SocketPtr socket) {
        promise->set_value(detail::open_writable(std::move(socket), metadata, options));
      },
      fail_into(promise));
  return future;
}

std::future<WritablePtr> Engine::writable(Json metadata, TransferOptions options) {
  options.validate();
  detail::require_encodable(metadata, "the transaction's metadata");
  auto promise = std::make_shared<std::promise<WritablePtr>>();
  auto future = promise->get_future();
  core_->sockets().request_unnegotiated(
      detail::kUnnegotiatedTransactionPrefix,
      [promise, metadata = std::move(metadata), options](std::shared_ptr<detail::SocketCore> core) {
        auto socket = std::make_shared<Socket>(std::move(core));
        promise->set_value(detail::open_writable(std::move(socket), metadata, options));
      },
      fail_into(promise));
  return future;
}

std::future<ReadablePtr> Engine::readable(std::string label, TransferOptions options) {
  options.validate();
  auto promise = std::make_shared<std::promise<ReadablePtr>>();
  auto future = promise->get_future();
  core_->request_socket(
      std::move(label),
      [promise, options](const SocketPtr& socket) {
        detail::open_readable(socket, options, [promise](ReadablePtr readable) {
          promise->set_value(std::move(readable));
        });
      },
      fail_into(promise));
  return future;
}

void Engine::on_readable(ReadableHandler handler) {
  incoming_readables_->set_handler(gated(handlers_, std::move(handler)), core_->loop());
}

ReadablePtr Engine::next_readable(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_readable() inside a handler would deadlock; use on_readable()");
  }
  return incoming_readables_->next(timeout);
}

void Engine::on_error(ErrorHandler handler) {
  core_->on_error(gated<const Error&>(handlers_, std::move(handler)));
}

std::future<ConnectionStats> Engine::stats() {
  auto promise = std::make_shared<std::promise<ConnectionStats>>();
  auto future = promise->get_future();
  core_->stats([promise](ConnectionStats stats) { promise->set_value(std::move(stats)); });
  return future;
}

}  // namespace rtcengine
