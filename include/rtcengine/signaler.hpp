// A signaler carries small JSON messages between two peers until their
// peer connection is up. Implement send() and call set_ready()/receive();
// the base class routes messages by their "type" field and keeps messages
// whose type has no handler yet, so nothing that arrives early is lost.
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

class Signaler {
 public:
  using MessageHandler = std::function<void(const Json& message)>;
  using ReadyHandler = std::function<void(bool ready)>;
  using ErrorHandler = std::function<void(const Error& error)>;
  using ListenerId = std::uint64_t;

  // Messages kept while their type has no handler (by count, and by the
  // memory they hold once parsed), the largest incoming message accepted,
  // and how deep it may nest; beyond any of these the message is refused
  // with an error, never silently.
  static constexpr std::size_t kMaxKeptMessages = 4096;
  static constexpr std::size_t kMaxKeptBytes = 8 << 20;
  static constexpr std::size_t kMaxMessageBytes = 1 << 20;
  static constexpr std::size_t kMaxMessageDepth = 64;

  Signaler();
  virtual ~Signaler();
  Signaler(const Signaler&) = delete;
  Signaler& operator=(const Signaler&) = delete;

  // ---- what a concrete signaler implements ----

  // Delivers one message to the peer. The engine calls it only while
  // ready() is true; a failure throws rtcengine::Error.
  virtual void send(const Json& message) = 0;

  // Lifecycle hooks the engine calls; all optional.
  virtual void start() {}
  virtual void on_connected() {}
  virtual void on_disconnected() {}
  virtual void on_failed() {}
  virtual void close() {}

  // Options this signaler needs (LocalSignaler allows loopback, say).
  // Applied before the user's own options are validated.
  virtual void contribute_options(EngineOptions& options) const;

  // ---- what the engine (or any user) uses ----

  bool ready() const;

  // Called with every change of ready(); returns an id for removal.
  ListenerId add_ready_listener(ReadyHandler handler);
  void remove_ready_listener(ListenerId id);

  // Handles messages of one type; messages kept for it are delivered first,
  // in order. One handler per type; a new one replaces the old.
  void on(const std::string& type, const MessageHandler& handler);
  void off(const std::string& type);

  // Malformed or refused incoming messages are reported here, and so is a
  // SignalingError: the signaler gave up for good (the engine closes). A
  // SignalingError reported before a handler is set is kept for it.
  void on_error(const ErrorHandler& handler);

 protected:
  void set_ready(bool ready);

  // Routes one parsed message by its "type"; reports malformed ones.
  void receive(const Json& message);

  // Parses and routes raw text; oversized or non-JSON text is reported.
  void receive_text(std::string_view text);

  // Report a SignalingError when signaling cannot go on (final).
  void report_error(const Error& error);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace rtcengine
