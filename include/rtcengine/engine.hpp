// The engine: give it a signaler and it connects to the peer by itself
// (role exchange, perfect negotiation, trickle ICE, ICE restart when the path
// fails, a fresh connection when the peer restarts) and hands out sockets.
// No call depends on the connection state: socket("chat") may be called
// before the peers have met, and completes once they have.
//
// Threads: methods may be called from any thread. All handlers of one engine
// run on one thread, one at a time, and must not block. The blocking helpers
// (wait_for, futures' get(), Socket::wait_*) are for your own threads; calling
// them inside a handler would deadlock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "rtcengine/connection_state.hpp"
#include "rtcengine/errors.hpp"
#include "rtcengine/options.hpp"
#include "rtcengine/signaler.hpp"
#include "rtcengine/socket.hpp"
#include "rtcengine/stats.hpp"
#include "rtcengine/transaction.hpp"

namespace rtcengine {

namespace detail {
class EngineCore;
class HandlerGate;
template <typename T>
class Incoming;
}  // namespace detail

/// One connection to one peer, through one signaler. Create it with
/// create(); hold it by shared_ptr. Every method may be called from any
/// thread; all handlers of one engine (and of its sockets and transactions)
/// run on the engine's thread, one at a time, and must not block.
class Engine final {
 public:
  /// Called with a socket once it is open.
  using SocketHandler = std::function<void(SocketPtr socket)>;
  /// Called with each new connection state.
  using StateHandler = std::function<void(ConnectionState state)>;
  /// Called with an error that happened in the background.
  using ErrorHandler = std::function<void(const Error& error)>;
  /// Called with a transaction the peer started.
  using ReadableHandler = std::function<void(ReadablePtr readable)>;

  /// Starts an engine on `signaler` (connecting at once unless
  /// options.auto_connect is false). Throws InvalidOptionError for bad
  /// options.
  [[nodiscard]] static std::shared_ptr<Engine> create(std::shared_ptr<Signaler> signaler,
                                                      EngineOptions options = {});
  /// Closes the engine. Outside a handler it waits (up to 4 s) for the close
  /// to finish, so no handler of this engine runs after it returns.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Starts connecting (needed only with auto_connect = false); after a
  /// failure, restarts ICE at once.
  void connect();
  /// Sends what every socket was given (up to 2 s), then closes every
  /// socket and the connection; the peer's engine closes too. Returns at
  /// once; wait_for(ConnectionState::closed, ...) waits. Once it returned,
  /// only the close's own handlers run: sockets' on_close, transactions'
  /// final states and the state `closed`, once (docs/api.md, "Handlers and
  /// close()"). Safe inside any handler; calling it again does nothing.
  void close();
  /// Restarts ICE now (it also restarts by itself when the path fails).
  void restart_ice();
  /// Takes ice_servers and ice_policy from `options` and applies them to
  /// the live connection too; its other fields are not used. Throws
  /// InvalidOptionError for bad options.
  void update_options(EngineOptions options);

  /// The connection state now.
  [[nodiscard]] ConnectionState state() const;
  /// Replaces the state handler; it runs on the engine's thread.
  void on_state_change(StateHandler handler);
  /// Waits until the state is `state`; false on timeout (or when the engine
  /// closed while waiting for another state). Not inside a handler.
  [[nodiscard]] bool wait_for(ConnectionState state, std::chrono::milliseconds timeout) const;
  /// The role in perfect negotiation, once settled.
  [[nodiscard]] std::optional<Role> role() const;

  /// Negotiated socket: both peers call socket("label"); the future holds
  /// it once open, or throws UsageError (label taken or reserved),
  /// ClosedError (the engine closed first) or Error (the channel failed).
  [[nodiscard]] std::future<SocketPtr> socket(std::string label);
  /// The same, calling `on_open` on the engine's thread once open (not
  /// after close()); failures go to on_error().
  void socket(std::string label, SocketHandler on_open);
  /// Unnegotiated socket: the peer receives it through on_socket() or
  /// next_socket().
  [[nodiscard]] std::future<SocketPtr> socket();
  /// The same, with a handler instead of a future.
  void socket(SocketHandler on_open);
  /// The peer's unnegotiated sockets, on the engine's thread; those that
  /// arrive before a handler is set are kept (bounded) until one is.
  void on_socket(SocketHandler handler);
  /// Blocking alternative to on_socket(); nullptr on timeout. Throws
  /// UsageError inside a handler.
  [[nodiscard]] SocketPtr next_socket(std::chrono::milliseconds timeout);

  /// Negotiated transaction: one peer calls writable("label", metadata),
  /// the other readable("label"). Metadata is any UTF-8 JSON (UsageError
  /// otherwise); its `size` enables progress fraction and ETA. Throws
  /// InvalidOptionError for bad `options` (TransferOptions::validate).
  [[nodiscard]] std::future<WritablePtr> writable(std::string label, Json metadata,
                                                  TransferOptions options = {});
  /// The reading side of a negotiated transaction; completes once the
  /// writer's metadata arrived.
  [[nodiscard]] std::future<ReadablePtr> readable(std::string label, TransferOptions options = {});
  /// Unnegotiated transaction: the peer receives it through on_readable()
  /// or next_readable().
  [[nodiscard]] std::future<WritablePtr> writable(Json metadata, TransferOptions options = {});
  /// The peer's unnegotiated transactions, on the engine's thread; kept
  /// (bounded) until a handler is set.
  void on_readable(ReadableHandler handler);
  /// Blocking alternative to on_readable(); nullptr on timeout.
  [[nodiscard]] ReadablePtr next_readable(std::chrono::milliseconds timeout);

  /// Errors that happen in the background: malformed signaling, refused
  /// descriptions or candidates, failures to reconnect. Kept (bounded)
  /// until a handler is set; it runs on the engine's thread.
  void on_error(ErrorHandler handler);

  /// The connection's figures now (bytes, packets, RTT, selected pair).
  [[nodiscard]] std::future<ConnectionStats> stats();

  /// How many times the engine paired with a new peer instance (peer restart).
  [[nodiscard]] std::uint64_t peer_generation() const;

 private:
  explicit Engine(std::shared_ptr<detail::EngineCore> core);
  std::shared_ptr<detail::EngineCore> core_;
  // The peer's unnegotiated sockets and transactions, until taken.
  std::shared_ptr<detail::Incoming<SocketPtr>> incoming_sockets_;
  std::shared_ptr<detail::Incoming<ReadablePtr>> incoming_readables_;
  // The handlers close() stops at once (docs/api.md, "Handlers and close()").
  std::shared_ptr<detail::HandlerGate> handlers_;
};

using EnginePtr = std::shared_ptr<Engine>;

}  // namespace rtcengine
