// WebSocketSignaler joins two peers anywhere through an rtcengine-signal
// server (docs/signal-server.md): both connect to the same room URL and the
// server relays their messages. Ready while the server connection is up and
// the other peer is in the room. After a drop it reconnects with backoff;
// the engine's open data channels do not need it meanwhile.
//
// Refusals that retrying cannot cure end it for good, reported as
// SignalingError (the engine then closes): wrong-secret, unauthorized,
// bad-message, an upgrade refused with a 4xx status (bad room name), a
// room-full that lasts, and a third client turned away while the member
// with us has sent nothing (a squatter holding the room). Every other
// failure is reported as Error and retried with backoff.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "rtcengine/signaler.hpp"

namespace rtcengine {

/// Settings of a WebSocketSignaler; plain values with defaults.
struct WebSocketSignalerOptions {
  /// ws://HOST:PORT/ROOM or wss://HOST:PORT/ROOM, optionally ?token=T&secret=S.
  std::string url;
  /// Sent as "Authorization: Bearer TOKEN" when not empty.
  std::string token;
  /// First delay before reconnecting after a drop, doubled up to reconnect_max.
  std::chrono::milliseconds reconnect_initial{200};
  /// Longest delay between reconnection attempts.
  std::chrono::milliseconds reconnect_max{5000};
  /// wss://: CA bundle to trust (empty: the system's).
  std::string ca_file;
  /// wss://: whether to check the server's certificate at all (turn off
  /// only for tests).
  bool verify_certificate = true;
  /// room-full (two other clients hold the room) is retried, since one of
  /// them may be this client's own old connection the server has not dropped
  /// yet; after this long (and 3 refusals) it is final. A client that was in
  /// the room before waits at least 70 s, past the server's keep-alive.
  std::chrono::milliseconds room_full_timeout{10000};
};

/// A signaler through an rtcengine-signal room. Its connection runs on the
/// I/O thread that every signaler of the process shares; its handlers run
/// there (see Signaler).
class WebSocketSignaler final : public Signaler {
 public:
  /// Starts connecting at once. Throws InvalidOptionError for a URL it
  /// cannot use, a ca_file it cannot load, or bad delays.
  explicit WebSocketSignaler(WebSocketSignalerOptions options);
  /// Connects to `url` with the default options; throws as above.
  explicit WebSocketSignaler(std::string url);
  /// Closes (see close()); never throws.
  ~WebSocketSignaler() override;

  /// Queues one message for the server to relay. Throws ClosedError once
  /// closed, Error while not connected to the server or when the message
  /// is over kMaxMessageBytes.
  void send(const Json& message) override;
  /// Leaves the room: ready() turns false and the connection closes. Waits
  /// up to 5 s for the I/O thread to let go of it (not when called on that
  /// thread). Calling it again does nothing.
  void close() override;

  /// Whether the server connection is up (the peer may still be absent).
  [[nodiscard]] bool connected_to_server() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcengine
