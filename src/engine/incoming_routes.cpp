#include "engine/incoming_routes.hpp"

#include <vector>

#include "engine/engine_core.hpp"
#include "engine/session.hpp"
#include "engine/transaction_opener.hpp"

namespace rtcengine::detail {

void route_incoming_sockets(EngineCore& owner, std::shared_ptr<Incoming<SocketPtr>> incoming) {
  std::weak_ptr<EngineCore> weak = owner.shared_from_this();
  owner.sockets().set_incoming_handler(
      kUnnegotiatedSocketPrefix,
      [incoming = std::move(incoming), weak](const std::shared_ptr<SocketCore>& arrived) {
        auto engine = weak.lock();
        if (!engine || !engine->sockets().admit_waiting(*arrived, incoming->waiting())) return;
        arrived->claim();
        incoming->arrive(std::make_shared<Socket>(arrived));
      });
}

void route_incoming_transactions(EngineCore& owner,
                                 std::shared_ptr<Incoming<ReadablePtr>> incoming) {
  // Sockets of transactions whose metadata has not arrived yet: they count
  // toward the bound of what waits. Loop only.
  auto awaiting = std::make_shared<std::vector<std::weak_ptr<Socket>>>();
  std::weak_ptr<EngineCore> weak = owner.shared_from_this();
  owner.sockets().set_incoming_handler(
      kUnnegotiatedTransactionPrefix,
      [incoming = std::move(incoming), awaiting, weak](const std::shared_ptr<SocketCore>& core) {
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
        open_readable(socket, TransferOptions{},
                      [incoming, awaiting, key](const ReadablePtr& readable) {
                        std::erase_if(*awaiting, [key](const std::weak_ptr<Socket>& held) {
                          return held.lock().get() == key;
                        });
                        incoming->arrive(readable);
                      });
      });
}

}  // namespace rtcengine::detail
