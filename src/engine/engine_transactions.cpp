// Engine's transaction calls: each transaction rides on one socket, which
// the engine opens like any other; the cores in src/transaction/ speak the
// transaction protocol on it.
#include <vector>

#include "engine/engine_core.hpp"
#include "engine/incoming.hpp"
#include "engine/session.hpp"
#include "rtcengine/engine.hpp"
#include "socket/frame_codec.hpp"
#include "transaction/readable_core.hpp"
#include "transaction/transfer_events.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine {

using detail::EngineCore;

namespace {

// Sockets of the peer's unnegotiated transactions whose metadata has not
// arrived yet: they count toward the bound of what waits. Loop only.
using AwaitingMetadata = std::vector<std::weak_ptr<Socket>>;

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
  incoming_readables_ = std::make_shared<detail::Incoming<ReadablePtr>>(
      [](const ReadablePtr& kept) { return kept->state() == TransferState::failed; });
  auto awaiting = std::make_shared<AwaitingMetadata>();
  std::weak_ptr<EngineCore> weak = core_;
  core_->sockets().set_incoming_handler(
      detail::kUnnegotiatedTransactionPrefix, [incoming = incoming_readables_, awaiting, weak](
                                                  const std::shared_ptr<detail::SocketCore>& core) {
        auto engine = weak.lock();
        if (!engine) return;
        std::erase_if(*awaiting, [](const std::weak_ptr<Socket>& held) {
          auto kept = held.lock();
          return !kept || !kept->is_open();
        });
        if (!engine->sockets().admit_waiting(*core, awaiting->size() + incoming->waiting())) {
          return;
        }
        auto socket = std::make_shared<Socket>(core);
        awaiting->push_back(socket);
        core->claim();
        const Socket* key = socket.get();
        await_metadata(socket, TransferOptions{},
                       [incoming, awaiting, key](const ReadablePtr& readable) {
                         std::erase_if(*awaiting, [key](const std::weak_ptr<Socket>& held) {
                           return held.lock().get() == key;
                         });
                         incoming->arrive(readable);
                       });
      });
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
  core_->sockets().request_unnegotiated(
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
  incoming_readables_->set_handler(std::move(handler), core_->loop());
}

ReadablePtr Engine::next_readable(std::chrono::milliseconds timeout) {
  if (core_->loop().is_current()) {
    throw UsageError("Engine::next_readable() inside a handler would deadlock; use on_readable()");
  }
  return incoming_readables_->next(timeout);
}

}  // namespace rtcengine
