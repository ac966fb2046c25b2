// A signaler carries small JSON messages between two peers until their
// peer connection is up. Implement send() and call set_ready()/receive();
// the base class routes messages by their "type" field and keeps messages
// whose type has no handler yet, so nothing that arrives early is lost.
//
// Threads: every public method may be called from any thread. Message,
// ready and error handlers run on the thread that delivers the event: the
// one calling receive(), set_ready() or report_error() (LocalSignaler and
// WebSocketSignaler: their shared I/O thread, and close()'s caller for the
// last ready(false)), or the thread calling on()/on_error() for what was
// kept. Message and ready handlers
// run one at a time. None may block; the engine's own only post to its
// thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rtcengine/errors.hpp"

namespace rtcengine {

using Json = nlohmann::json;
struct EngineOptions;

/// Base class of every signaler (LocalSignaler, WebSocketSignaler, yours):
/// routes incoming messages by type and tells listeners whether the peer
/// can be reached.
class Signaler {
 public:
  /// One incoming message of a type (see on()).
  using MessageHandler = std::function<void(const Json& message)>;
  /// A change of ready() (see add_ready_listener()).
  using ReadyHandler = std::function<void(bool ready)>;
  /// A refused message, or the signaler giving up (see on_error()).
  using ErrorHandler = std::function<void(const Error& error)>;
  /// Names a ready listener for remove_ready_listener().
  using ListenerId = std::uint64_t;

  /// Messages kept while their type has no handler (by count, and by the
  /// memory they hold once parsed), the largest incoming message accepted,
  /// and how deep it may nest; beyond any of these the message is refused
  /// with an error, never silently.
  static constexpr std::size_t kMaxKeptMessages = 4096;
  /// See kMaxKeptMessages.
  static constexpr std::size_t kMaxKeptBytes = 8 << 20;
  /// See kMaxKeptMessages.
  static constexpr std::size_t kMaxMessageBytes = 1 << 20;
  /// See kMaxKeptMessages.
  static constexpr std::size_t kMaxMessageDepth = 64;

  Signaler();
  virtual ~Signaler();
  Signaler(const Signaler&) = delete;
  Signaler& operator=(const Signaler&) = delete;

  // ---- what a concrete signaler implements ----

  /// Delivers one message to the peer. The engine calls it on its thread,
  /// only while ready() is true; a failure throws rtcengine::Error.
  virtual void send(const Json& message) = 0;

  /// Lifecycle hook: the engine starts connecting (engine's thread). Optional.
  virtual void start() {}
  /// Lifecycle hook: the peer connection is connected (engine's thread). Optional.
  virtual void on_connected() {}
  /// Lifecycle hook: the peer connection is disconnected (engine's thread). Optional.
  virtual void on_disconnected() {}
  /// Lifecycle hook: the peer connection failed (engine's thread). Optional.
  virtual void on_failed() {}
  /// Lifecycle hook: the engine closed and needs the signaler no more
  /// (engine's thread). Optional.
  virtual void close() {}

  /// Options this signaler needs (LocalSignaler allows loopback, say).
  /// Applied in Engine::create(), before the user's own options are validated.
  virtual void contribute_options(EngineOptions& options) const;

  // ---- what the engine (or any user) uses ----

  /// Whether a message sent now can reach the peer.
  [[nodiscard]] bool ready() const;

  /// Calls `handler` with every change of ready(); returns an id for
  /// remove_ready_listener(). A listener that throws is reported through
  /// on_error() and the others still run.
  ListenerId add_ready_listener(ReadyHandler handler);
  /// Removes a listener; an unknown id is ignored.
  void remove_ready_listener(ListenerId id);

  /// Handles messages of one type; messages kept for it are delivered first,
  /// in order, on the calling thread. One handler per type; a new one
  /// replaces the old.
  void on(const std::string& type, const MessageHandler& handler);
  /// Removes the handler of one type; later messages of it are kept again.
  void off(const std::string& type);

  /// Malformed or refused incoming messages are reported here, and so is a
  /// SignalingError: the signaler gave up for good (the engine closes). A
  /// SignalingError reported before a handler is set is kept for it and
  /// delivered on the thread calling on_error().
  void on_error(const ErrorHandler& handler);

 protected:
  /// Tells the listeners whether the peer can be reached; calls them only
  /// when the value changes.
  void set_ready(bool ready);

  /// Routes one parsed message by its "type"; reports malformed ones.
  void receive(const Json& message);

  /// Parses and routes raw text; oversized or non-JSON text is reported.
  void receive_text(std::string_view text);

  /// Reports an error; a SignalingError when signaling cannot go on (final).
  void report_error(const Error& error);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace rtcengine
