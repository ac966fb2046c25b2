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
template <typename T>
class Incoming;
}  // namespace detail

class Engine final {
 public:
  using SocketHandler = std::function<void(SocketPtr socket)>;
  using StateHandler = std::function<void(ConnectionState state)>;
  using ErrorHandler = std::function<void(const Error& error)>;
  using ReadableHandler = std::function<void(ReadablePtr readable)>;

  // Throws InvalidOptionError for bad options.
  static std::shared_ptr<Engine> create(std::shared_ptr<Signaler> signaler,
                                        EngineOptions options = {});
  // Closes the engine. Outside a handler it waits (up to 4 s) for the close
  // to finish, so no handler of this engine runs after it returns.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts connecting (needed only with auto_connect = false); after a
  // failure, restarts ICE at once.
  void connect();
  // Closes every socket and the connection; the peer's engine closes too.
  void close();
  void restart_ice();
  // Applies ice_servers and ice_policy to the live connection too.
  void update_options(EngineOptions options);

  ConnectionState state() const;
  void on_state_change(StateHandler handler);
  // Waits until the state is `state`; false on timeout (or when the engine
  // closed while waiting for another state).
  bool wait_for(ConnectionState state, std::chrono::milliseconds timeout) const;
  // The role in perfect negotiation, once settled.
  std::optional<Role> role() const;

  // Negotiated socket: both peers call socket("label").
  std::future<SocketPtr> socket(std::string label);
  void socket(std::string label, SocketHandler on_open);
  // Unnegotiated socket: the peer receives it through on_socket()/next_socket().
  std::future<SocketPtr> socket();
  void socket(SocketHandler on_open);
  // The peer's unnegotiated sockets; kept until a handler is set.
  void on_socket(SocketHandler handler);
  // Blocking alternative to on_socket(); nullptr on timeout.
  SocketPtr next_socket(std::chrono::milliseconds timeout);

  // Negotiated transaction: one peer calls writable("label", metadata), the
  // other readable("label"). The readable completes once metadata arrived.
  std::future<WritablePtr> writable(std::string label, Json metadata, TransferOptions options = {});
  std::future<ReadablePtr> readable(std::string label, TransferOptions options = {});
  // Unnegotiated transaction: the peer receives it through on_readable() or
  // next_readable().
  std::future<WritablePtr> writable(Json metadata, TransferOptions options = {});
  // The peer's unnegotiated transactions; kept until a handler is set.
  void on_readable(ReadableHandler handler);
  // Blocking alternative to on_readable(); nullptr on timeout.
  ReadablePtr next_readable(std::chrono::milliseconds timeout);

  // Errors that happen in the background: malformed signaling, refused
  // descriptions or candidates, failures to reconnect. Kept until a handler
  // is set.
  void on_error(ErrorHandler handler);

  std::future<ConnectionStats> stats();

  // How many times the engine paired with a new peer instance (peer restart).
  std::uint64_t peer_generation() const;

 private:
  explicit Engine(std::shared_ptr<detail::EngineCore> core);
  void take_incoming_readables();  // engine_transactions.cpp
  std::shared_ptr<detail::EngineCore> core_;
  // The peer's unnegotiated sockets and transactions, until taken.
  std::shared_ptr<detail::Incoming<SocketPtr>> incoming_sockets_;
  std::shared_ptr<detail::Incoming<ReadablePtr>> incoming_readables_;
};

using EnginePtr = std::shared_ptr<Engine>;

}  // namespace rtcengine
