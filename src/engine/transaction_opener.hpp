// Turns an open socket into a transaction: the writer's side at once, the
// reader's once the writer's metadata arrived on it. The cores in
// src/transaction/ then speak the transaction protocol on that socket.
#pragma once

#include <functional>

#include "rtcengine/socket.hpp"
#include "rtcengine/transaction.hpp"

namespace rtcengine::detail {

// Engine's thread: starts the writer of `metadata` on `socket`.
WritablePtr open_writable(SocketPtr socket, const Json& metadata, const TransferOptions& options);

// Engine's thread: waits for the writer's metadata on `socket`, then hands
// the started reader to `deliver` (once). The socket is held until then.
void open_readable(const SocketPtr& socket, const TransferOptions& options,
                   const std::function<void(ReadablePtr)>& deliver);

}  // namespace rtcengine::detail
