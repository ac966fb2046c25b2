// Open connections counted from accept until their socket closes, in total
// and per source address, so that silent or half-open connections cannot
// use up the server's file descriptors before they ever become WebSockets.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "server_options.hpp"

namespace rtcengine::signal_server {

class ConnectionLimits;

// One admitted connection: counted while the slot lives. Moves from the
// HTTP session to the WebSocket session with the socket it stands for.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(ConnectionLimits& limits, std::string source);
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

 private:
  void release();

  ConnectionLimits* limits_ = nullptr;
  std::string source_;
};

class ConnectionLimits {
 public:
  enum class Verdict { admitted, server_full, address_full };

  explicit ConnectionLimits(const ServerOptions& options) : options_(options) {}

  // Counts a new connection from `address` into `slot` when both limits
  // allow it; otherwise leaves `slot` empty and says which limit refused.
  Verdict admit(const boost::asio::ip::address& address, ConnectionSlot& slot);
  std::size_t open() const { return open_; }

 private:
  friend class ConnectionSlot;
  void release(const std::string& source);

  const ServerOptions& options_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> per_source_;
};

// The key one source counts under: the IPv4 address (also when mapped into
// IPv6), or the /64 prefix of an IPv6 address, since one host usually owns
// a whole /64.
std::string source_key(const boost::asio::ip::address& address);

}  // namespace rtcengine::signal_server
