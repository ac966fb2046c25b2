// Engine's transaction calls: each transaction rides on one socket, which
// the engine opens like any other; the cores in src/transaction/ speak the
// transaction protocol on it.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "engine/engine_core.hpp"
#include "engine/session.hpp"
#include "rtcengine/engine.hpp"
#include "socket/frame_codec.hpp"
#include "transaction/readable_core.hpp"
#include "transaction/transfer_events.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine {

using detail::EngineCore;

namespace {

// The peer's unnegotiated transactions, for on_readable() or next_readable().
struct IncomingReadables {
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<ReadablePtr> queue;
  // Their sockets while the metadata has not arrived yet.
  std::vector<std::weak_ptr<Socket>> awaiting;
  Engine::ReadableHandler handler;
};

// Waits (on the engine's thread) for the writer's metadata, then hands out
// the Readable. An RTCEngine writer announces its extensions just before.
void await_metadata(const SocketPtr& socket, TransferOptions options,
                    const std::function<void(ReadablePtr)>& deliver) {
  auto delivered = std::make_shared<bool>(false);
  auto transfer = std::make_shared<Json>();
  // Set first: kept frames reach handlers in the order the handlers are set.
  socket->on_event(detail::kTransferEvent,
                   [transfer](const Json& payload) { *transfer = payload; });
  // The handler holds its socket until then (a socket drops its handlers
  // when it closes, which ends that cycle).
  socket->on_event(detail::kMetadataEvent, [socket, options, deliver, delivered,
                                            transfer](const Json& metadata) {
    if (*delivered) return;
    *delivered = true;
    auto core = std::make_shared<detail::ReadableCore>(socket, metadata, *transfer, options);
    core->start();
    deliver(std::make_shared<Readable>(core));
  });
}

template <typename T>
std::function<void(std::exception_ptr)> fail_into(std::shared_ptr<std::promise<T>> promise) {
  return [promise](std::exception_ptr error) { promise->set_exception(error); };
}

}  // namespace

void Engine::take_incoming_readables() {
  auto incoming = std::make_shared<IncomingReadables>();
  std::weak_ptr<EngineCore> weak = core_;
  core_->set_incoming_handler(
      detail::kUnnegotiatedTransactionPrefix,
      [incoming, weak](const std::shared_ptr<detail::SocketCore>& core) {
        auto socket = std::make_shared<Socket>(core);
        std::size_t waiting;
        {
          std::lock_guard lock(incoming->mutex);
          std::erase_if(incoming->queue, [](const ReadablePtr& kept) {
            return kept->state() == TransferState::failed;
          });
          std::erase_if(incoming->awaiting, [](const std::weak_ptr<Socket>& held) {
            auto kept = held.lock();
            return !kept || !kept->is_open();
          });
          waiting = incoming->awaiting.size() + (incoming->handler ? 0 : incoming->queue.size());
          incoming->awaiting.push_back(socket);
        }
        auto engine = weak.lock();
        if (!engine || !engine->admit_waiting(*core, waiting)) return;
        core->claim();
        const Socket* key = socket.get();
        await_metadata(socket, TransferOptions{}, [incoming, key](const ReadablePtr& readable) {
          Engine::ReadableHandler handler;
          {
            std::lock_guard lock(incoming->mutex);
            std::erase_if(incoming->awaiting, [key](const std::weak_ptr<Socket>& held) {
              return held.lock().get() == key;
            });
            handler = incoming->handler;
            if (!handler) incoming->queue.push_back(readable);
          }
          if (handler) {
            handler(readable);
          } else {
            incoming->arrived.notify_all();
          }
        });
      });
  incoming_readables_ = incoming;
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
        auto core = std::make_shared<detail::WritableCore>(std::move(socket), metadata, options);
        core->start();
        promise->set_value(std::make_shared<Writable>(core));
      },
      fail_into(promise));
  return future;
}

std::future<WritablePtr> Engine::writable(Json metadata, TransferOptions options) {
  // Here, on the caller's thread: later it would fail on the engine's.
  options.validate();
  detail::require_encodable(metadata, "the transaction's metadata");
  auto promise = std::make_shared<std::promise<WritablePtr>>();
  auto future = promise->get_future();
  core_->request_unnegotiated(
      detail::kUnnegotiatedTransactionPrefix,
      [promise, metadata = std::move(metadata), options](std::shared_ptr<detail::SocketCore> core) {
        auto socket = std::make_shared<Socket>(std::move(core));
        auto writable = std::make_shared<detail::WritableCore>(socket, metadata, options);
        writable->start();
        promise->set_value(std::make_shared<Writable>(writable));
      },
      fail_into(promise));
  return future;
}

std::future<ReadablePtr> Engine::readable(std::string label, TransferOptions options) {
  options.validate();  // here, on the caller's thread
  auto promise = std::make_shared<std::promise<ReadablePtr>>();
  auto future = promise->get_future();
  core_->request_socket(
      std::move(label),
      [promise, options](const SocketPtr& socket) {
        await_metadata(socket, options, [promise](ReadablePtr readable) {
          promise->set_value(std::move(readable));
        });
      },
      fail_into(promise));
  return future;
}

void Engine::on_readable(ReadableHandler handler) {
  auto incoming = std::static_pointer_cast<IncomingReadables>(incoming_readables_);
  std::deque<ReadablePtr> kept;
  {
    std::lock_guard lock(incoming->mutex);
    incoming->handler = handler;
    if (handler) kept.swap(incoming->queue);
  }
  if (kept.empty()) return;
  core_->loop().post([kept = std::move(kept), handler = std::move(handler)] {
    for (auto& readable : kept) handler(readable);
  });
}

ReadablePtr Engine::next_readable(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_readable() inside a handler would deadlock; use on_readable()");
  }
  auto incoming = std::static_pointer_cast<IncomingReadables>(incoming_readables_);
  std::unique_lock lock(incoming->mutex);
  if (!incoming->arrived.wait_for(lock, timeout, [&] { return !incoming->queue.empty(); })) {
    return nullptr;
  }
  auto readable = incoming->queue.front();
  incoming->queue.pop_front();
  return readable;
}

}  // namespace rtcengine
