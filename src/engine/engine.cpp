// The public Engine: argument checks and blocking helpers over EngineCore.
#include "rtcengine/engine.hpp"

#include "engine/engine_core.hpp"
#include "engine/incoming.hpp"

namespace rtcengine {

using detail::EngineCore;

namespace {

// Longer than the close drain (2 s), so a normal close always completes.
constexpr auto kDestructorCloseLimit = std::chrono::seconds(4);

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
          [](const SocketPtr& kept) { return !kept->is_open(); })) {
  std::weak_ptr<EngineCore> weak = core_;
  core_->sockets().set_incoming_handler(
      detail::kUnnegotiatedSocketPrefix,
      [incoming = incoming_sockets_, weak](const std::shared_ptr<detail::SocketCore>& arrived) {
        auto engine = weak.lock();
        if (!engine || !engine->sockets().admit_waiting(*arrived, incoming->waiting())) return;
        arrived->claim();
        incoming->arrive(std::make_shared<Socket>(arrived));
      });
  take_incoming_readables();
}

Engine::~Engine() {
  core_->close();
  // Outside a handler, wait (bounded) for the close to finish so that no
  // handler runs after the destructor returns. Inside one, the loop thread
  // must go on to run the close, so it finishes in the background.
  if (!core_->loop().is_current()) core_->status().wait_until_finished(kDestructorCloseLimit);
}

void Engine::connect() { core_->connect(); }
void Engine::close() { core_->close(); }
void Engine::restart_ice() { core_->restart_ice(); }

void Engine::update_options(EngineOptions options) {
  options.validate();
  core_->update_options(std::move(options));
}

ConnectionState Engine::state() const { return core_->status().state(); }
void Engine::on_state_change(StateHandler handler) { core_->on_state_change(std::move(handler)); }
bool Engine::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  return core_->wait_for(state, timeout);
}
std::optional<Role> Engine::role() const { return core_->status().role(); }
std::uint64_t Engine::peer_generation() const { return core_->status().peer_generation(); }

namespace {

std::future<SocketPtr> request_future(EngineCore& core, std::optional<std::string> label) {
  auto promise = std::make_shared<std::promise<SocketPtr>>();
  auto future = promise->get_future();
  core.request_socket(
      std::move(label), [promise](SocketPtr socket) { promise->set_value(std::move(socket)); },
      [promise](std::exception_ptr error) { promise->set_exception(std::move(error)); });
  return future;
}

}  // namespace

std::future<SocketPtr> Engine::socket(std::string label) {
  return request_future(*core_, std::move(label));
}

void Engine::socket(std::string label, SocketHandler on_open) {
  core_->request_socket(std::move(label), std::move(on_open), nullptr);
}

std::future<SocketPtr> Engine::socket() { return request_future(*core_, std::nullopt); }

void Engine::socket(SocketHandler on_open) {
  core_->request_socket(std::nullopt, std::move(on_open), nullptr);
}

void Engine::on_socket(SocketHandler handler) {
  incoming_sockets_->set_handler(std::move(handler), core_->loop());
}

SocketPtr Engine::next_socket(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_socket() inside a handler would deadlock; use on_socket()");
  }
  return incoming_sockets_->next(timeout);
}

void Engine::on_error(ErrorHandler handler) { core_->on_error(std::move(handler)); }

std::future<ConnectionStats> Engine::stats() {
  auto promise = std::make_shared<std::promise<ConnectionStats>>();
  auto future = promise->get_future();
  core_->stats([promise](ConnectionStats stats) { promise->set_value(std::move(stats)); });
  return future;
}

}  // namespace rtcengine
