// The public Engine: argument checks and blocking helpers over EngineCore.
#include "rtcengine/engine.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "engine/engine_core.hpp"

namespace rtcengine {

using detail::EngineCore;

namespace {

// The peer's unnegotiated sockets, for on_socket() or next_socket().
struct IncomingSockets {
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<SocketPtr> queue;
  Engine::SocketHandler handler;
};

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
  auto core = std::make_shared<EngineCore>(std::move(signaler), merged);
  std::shared_ptr<Engine> engine(new Engine(core));
  if (merged.auto_connect) engine->connect();
  return engine;
}

Engine::Engine(std::shared_ptr<EngineCore> core) : core_(std::move(core)) {
  auto incoming = std::make_shared<IncomingSockets>();
  std::weak_ptr<EngineCore> weak = core_;
  core_->set_incoming_handler(
      detail::kUnnegotiatedSocketPrefix,
      [incoming, weak](const std::shared_ptr<detail::SocketCore>& arrived) {
        auto engine = weak.lock();
        if (!engine) return;
        auto socket = std::make_shared<Socket>(arrived);
        SocketHandler handler;
        {
          std::lock_guard lock(incoming->mutex);
          handler = incoming->handler;
          if (!handler) {
            std::erase_if(incoming->queue, [](const SocketPtr& kept) { return !kept->is_open(); });
            if (!engine->admit_waiting(*arrived, incoming->queue.size())) return;
            incoming->queue.push_back(socket);
          }
        }
        arrived->claim();
        if (handler) {
          handler(socket);
        } else {
          incoming->arrived.notify_all();
        }
      });
  incoming_ = incoming;
  take_incoming_readables();
}

Engine::~Engine() {
  core_->close();
  // Outside a handler, wait (bounded) for the close to finish so that no
  // handler runs after the destructor returns. Inside one, the loop thread
  // must go on to run the close, so it finishes in the background.
  if (!core_->loop().is_current()) core_->wait_until_finished(kDestructorCloseLimit);
}

void Engine::connect() { core_->connect(); }
void Engine::close() { core_->close(); }
void Engine::restart_ice() { core_->restart_ice(); }

void Engine::update_options(EngineOptions options) {
  options.validate();
  core_->update_options(std::move(options));
}

ConnectionState Engine::state() const { return core_->state(); }
void Engine::on_state_change(StateHandler handler) { core_->on_state_change(std::move(handler)); }
bool Engine::wait_for(ConnectionState state, std::chrono::milliseconds timeout) const {
  return core_->wait_for(state, timeout);
}
std::optional<Role> Engine::role() const { return core_->role(); }
std::uint64_t Engine::peer_generation() const { return core_->peer_generation(); }

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
  auto incoming = std::static_pointer_cast<IncomingSockets>(incoming_);
  std::deque<SocketPtr> kept;
  {
    std::lock_guard lock(incoming->mutex);
    incoming->handler = handler;
    if (handler) kept.swap(incoming->queue);
  }
  if (kept.empty()) return;
  // Deliver on the engine's thread, like every other handler.
  core_->loop().post([kept = std::move(kept), handler = std::move(handler)] {
    for (auto& socket : kept) handler(socket);
  });
}

SocketPtr Engine::next_socket(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_socket() inside a handler would deadlock; use on_socket()");
  }
  auto incoming = std::static_pointer_cast<IncomingSockets>(incoming_);
  std::unique_lock lock(incoming->mutex);
  if (!incoming->arrived.wait_for(lock, timeout, [&] { return !incoming->queue.empty(); })) {
    return nullptr;
  }
  auto socket = incoming->queue.front();
  incoming->queue.pop_front();
  return socket;
}

void Engine::on_error(ErrorHandler handler) { core_->on_error(std::move(handler)); }

std::future<ConnectionStats> Engine::stats() {
  auto promise = std::make_shared<std::promise<ConnectionStats>>();
  auto future = promise->get_future();
  core_->stats([promise](ConnectionStats stats) { promise->set_value(std::move(stats)); });
  return future;
}

}  // namespace rtcengine
