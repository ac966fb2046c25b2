#include "engine/transaction_opener.hpp"

#include <memory>

#include "transaction/readable_core.hpp"
#include "transaction/transfer_events.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine::detail {

WritablePtr open_writable(SocketPtr socket, const Json& metadata, const TransferOptions& options) {
  auto core = std::make_shared<WritableCore>(std::move(socket), metadata, options);
  core->start();
  return std::make_shared<Writable>(core);
}

void open_readable(const SocketPtr& socket, const TransferOptions& options,
                   const std::function<void(ReadablePtr)>& deliver) {
  auto delivered = std::make_shared<bool>(false);
  auto transfer = std::make_shared<Json>();
  // Set first: kept frames reach handlers in the order the handlers are set.
  // An RTCEngine writer announces its extensions just before the metadata.
  socket->on_event(kTransferEvent, [transfer](const Json& payload) { *transfer = payload; });
  // The handler holds its socket until then (a socket drops its handlers
  // when it closes, which ends that cycle).
  socket->on_event(
      kMetadataEvent, [socket, options, deliver, delivered, transfer](const Json& metadata) {
        if (*delivered) return;
        *delivered = true;
        auto core = std::make_shared<ReadableCore>(socket, metadata, *transfer, options);
        core->start();
        deliver(std::make_shared<Readable>(core));
      });
}

}  // namespace rtcengine::detail
