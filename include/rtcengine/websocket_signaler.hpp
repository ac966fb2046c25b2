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

struct WebSocketSignalerOptions {
  // ws://HOST:PORT/ROOM or wss://HOST:PORT/ROOM, optionally ?token=T&secret=S.
  std::string url;
  // Sent as "Authorization: Bearer TOKEN" when not empty.
  std::string token;
  std::chrono::milliseconds reconnect_initial{200};
  std::chrono::milliseconds reconnect_max{5000};
  // wss://: CA bundle to trust (empty: the system's), and whether to check
  // the server's certificate at all (turn off only for tests).
  std::string ca_file;
  bool verify_certificate = true;
  // room-full (two other clients hold the room) is retried, since one of
  // them may be this client's own old connection the server has not dropped
  // yet; after this long (and 3 refusals) it is final. A client that was in
  // the room before waits at least 70 s, past the server's keep-alive.
  std::chrono::milliseconds room_full_timeout{10000};
};

class WebSocketSignaler : public Signaler {
 public:
  // Throws InvalidOptionError for a URL it cannot use.
  explicit WebSocketSignaler(WebSocketSignalerOptions options);
  explicit WebSocketSignaler(std::string url);
  ~WebSocketSignaler() override;

  void send(const Json& message) override;
  void close() override;

  // The server connection is up (the peer may still be absent).
  bool connected_to_server() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcengine
