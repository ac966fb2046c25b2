// One WebSocket client after the HTTP upgrade: joins its room, checks and
// relays what it sends, and writes what it is sent through a bounded queue.
// Everything is asynchronous, so a slow or silent client never holds up the
// thread that serves all the others.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "connection_limits.hpp"
#include "hub.hpp"
#include "member.hpp"
#include "streams.hpp"
#include "token_bucket.hpp"
#include "upgrade_request.hpp"

namespace rtcengine::signal_server {

template <class Stream>
class WebSocketSession final : public Member,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Stream stream, Hub& hub, UpgradeRequest request, ConnectionSlot slot);
  ~WebSocketSession() override;

  // Completes the upgrade with the request the HTTP session read.
  void start(boost::beast::http::request<boost::beast::http::string_body> request);

  void deliver(std::shared_ptr<const std::string> text) override;
  void fail(RoomError error, std::string_view text) override;
  std::uint64_t id() const override { return id_; }

 private:
  void on_accept(boost::beast::error_code error);
  void join_room();
  void leave_room(bool notify_peer, std::string_view reason);
  void read_next();
  void on_read(boost::beast::error_code error);
  void handle_message();
  void write_next();
  void on_write(boost::beast::error_code error);
  void finish(std::string_view reason);

  boost::beast::websocket::stream<Stream> ws_;
  Hub& hub_;
  ConnectionSlot slot_;
  UpgradeRequest request_;
  std::uint64_t id_;
  Room* room_ = nullptr;
  TokenBucket rate_limit_;
  boost::beast::flat_buffer incoming_;
  // front() is being written while writing_; its bytes count until done.
  std::deque<std::shared_ptr<const std::string>> outgoing_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool registered_ = false;
  std::optional<RoomError> failure_;
  bool closing_ = false;
  bool finished_ = false;
  // Bounds how long a failed client may take to accept our close.
  boost::asio::steady_timer close_deadline_;
};

extern template class WebSocketSession<PlainStream>;
extern template class WebSocketSession<TlsStream>;

}  // namespace rtcengine::signal_server
