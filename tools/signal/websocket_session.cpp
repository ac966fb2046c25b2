#include "websocket_session.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "message_check.hpp"

namespace rtcengine::signal_server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

namespace {

// A client that failed gets this long to answer our close frame.
constexpr auto close_grace = 2s;
// Idle clients are pinged after half of this, and dropped when silent for all of it.
constexpr auto keep_alive_timeout = 60s;

std::shared_ptr<const std::string> shared_text(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(Stream stream, Hub& hub, UpgradeRequest request,
                                           ConnectionSlot slot)
    : ws_(std::move(stream)),
      hub_(hub),
      slot_(std::move(slot)),
      request_(std::move(request)),
      id_(hub.next_member_id()),
      rate_limit_(hub.options.max_messages_per_second, hub.options.message_burst),
      close_deadline_(ws_.get_executor()) {}

template <class Stream>
WebSocketSession<Stream>::~WebSocketSession() {
  // Reached without finish() only when the server tears down its io_context:
  // nothing may be sent any more, only bookkeeping.
  leave_room(false, "server stopped");
  if (registered_) hub_.remove(*this);
}

template <class Stream>
void WebSocketSession<Stream>::start(beast::http::request<beast::http::string_body> request) {
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = 5s;
  timeouts.idle_timeout = keep_alive_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "rtcengine-signal");
  }));
  // The real limit is checked in on_read, so the client is told "too-large"
  // before the close. This backstop makes Beast drop a frame that announces
  // an absurd length at once instead of draining it.
  ws_.read_message_max(hub_.options.max_message_bytes * 16);
  ws_.auto_fragment(false);
  ws_.async_accept(request, [self = this->shared_from_this()](beast::error_code error) {
    self->on_accept(error);
  });
}

template <class Stream>
void WebSocketSession<Stream>::on_accept(beast::error_code error) {
  if (error) return finish(error.message());
  hub_.add(*this);
  registered_ = true;
  const auto& options = hub_.options;
  if (hub_.shutting_down) return fail(RoomError::shutting_down, "the server is shutting down");
  if (!options.token.empty() && !secrets_equal(options.token, request_.token)) {
    return fail(RoomError::unauthorized,
                "missing or wrong token: pass ?token=TOKEN or an Authorization: Bearer header");
  }
  join_room();
  if (!failure_) read_next();
}

template <class Stream>
void WebSocketSession<Stream>::join_room() {
  auto result = hub_.rooms.join(request_.room, request_.secret, *this);
  switch (result.outcome) {
    case RoomRegistry::Outcome::room_full:
      for (Member* member : result.room->members) {
        member->deliver(shared_text(join_refused_message(RoomError::room_full)));
      }
      return fail(RoomError::room_full, "this room already has two members; pick another room");
    case RoomRegistry::Outcome::wrong_secret:
      return fail(RoomError::wrong_secret, "the room was opened with a different secret");
    case RoomRegistry::Outcome::too_many_rooms:
      return fail(RoomError::server_full, "the server has too many rooms; try again later");
    case RoomRegistry::Outcome::joined: break;
  }
  room_ = result.room;
  Member* peer = room_->peer_of(this);
  hub_.log.write("join",
                 {{"room", request_.room}, {"peer", id_}, {"peer_present", peer != nullptr}});
  deliver(shared_text(welcome_message(peer != nullptr)));
  if (peer) peer->deliver(shared_text(peer_joined_message()));
}

template <class Stream>
void WebSocketSession<Stream>::leave_room(bool notify_peer, std::string_view reason) {
  if (!room_) return;
  Room* room = std::exchange(room_, nullptr);
  Member* peer = room->peer_of(this);
  hub_.rooms.leave(*room, *this);  // `room` may be gone from here on
  hub_.log.write("leave", {{"room", request_.room}, {"peer", id_}, {"reason", reason}});
  if (peer && notify_peer) peer->deliver(shared_text(peer_left_message()));
}

template <class Stream>
void WebSocketSession<Stream>::read_next() {
  if (failure_ || finished_) return;
  // Never take in more than one byte past the limit, so a big message costs
  // at most max_message_bytes of memory before it is refused.
  std::size_t room_left = hub_.options.max_message_bytes + 1 - incoming_.size();
  ws_.async_read_some(incoming_, room_left,
                      [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                        self->on_read(error);
                      });
}

template <class Stream>
void WebSocketSession<Stream>::on_read(beast::error_code error) {
  if (error) return finish(error == websocket::error::closed ? "closed" : error.message());
  if (failure_) return;
  if (ws_.got_binary()) return fail(RoomError::bad_message, "binary frames are not accepted");
  if (incoming_.size() > hub_.options.max_message_bytes) {
    return fail(RoomError::too_large, "messages are limited to " +
                                          std::to_string(hub_.options.max_message_bytes) +
                                          " bytes");
  }
  if (ws_.is_message_done()) handle_message();
  read_next();
}

template <class Stream>
void WebSocketSession<Stream>::handle_message() {
  std::string text = beast::buffers_to_string(incoming_.data());
  incoming_.clear();
  // One large message must not pin its buffer for the life of the connection.
  if (incoming_.capacity() > 4096) incoming_.shrink_to_fit();
  if (!rate_limit_.take()) {
    return fail(RoomError::rate_limited, "too many messages; slow down");
  }
  if (!is_relayable_message(text)) {
    return fail(RoomError::bad_message,
                "a message must be a JSON object with a string \"type\" other than \"room\"");
  }
  Member* peer = room_ ? room_->peer_of(this) : nullptr;
  if (!peer) {
    // Not fatal: the client keeps the message and sends it again on peer-joined.
    return deliver(shared_text(error_message(RoomError::no_peer, "nobody else is in the room")));
  }
  room_->last_relay = std::chrono::steady_clock::now();
  peer->deliver(shared_text(std::move(text)));
}

template <class Stream>
void WebSocketSession<Stream>::deliver(std::shared_ptr<const std::string> text) {
  if (failure_ || finished_) return;
  if (queued_bytes_ + text->size() > hub_.options.max_queued_bytes) {
    return fail(RoomError::slow_consumer,
                "messages for this client piled up faster than it read them");
  }
  queued_bytes_ += text->size();
  outgoing_.push_back(std::move(text));
  if (!writing_) write_next();
}

template <class Stream>
void WebSocketSession<Stream>::fail(RoomError error, std::string_view text) {
  if (failure_ || finished_) return;
  failure_ = error;
  hub_.log.write("error", {{"room", request_.room}, {"peer", id_}, {"code", error_code(error)}});
  leave_room(true, error_code(error));
  // What is still queued will never matter to a client that is leaving;
  // only the frame already being written must stay alive.
  while (outgoing_.size() > (writing_ ? 1u : 0u)) {
    queued_bytes_ -= outgoing_.back()->size();
    outgoing_.pop_back();
  }
  auto notice = shared_text(error_message(error, text));
  queued_bytes_ += notice->size();
  outgoing_.push_back(std::move(notice));
  close_deadline_.expires_after(close_grace);
  close_deadline_.async_wait([weak = this->weak_from_this()](beast::error_code cancelled) {
    auto self = weak.lock();
    if (cancelled || !self) return;
    self->finish("did not close in time");
  });
  if (!writing_) write_next();
}

template <class Stream>
void WebSocketSession<Stream>::write_next() {
  if (finished_) return;
  if (outgoing_.empty()) {
    if (failure_ && !closing_) {
      closing_ = true;
      websocket::close_reason reason(static_cast<websocket::close_code>(close_code(*failure_)),
                                     error_code(*failure_));
      ws_.async_close(reason, [self = this->shared_from_this()](beast::error_code) {
        self->finish("closed by server");
      });
    }
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*outgoing_.front()),
                  [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                    self->on_write(error);
                  });
}

template <class Stream>
void WebSocketSession<Stream>::on_write(beast::error_code error) {
  writing_ = false;
  if (!outgoing_.empty()) {
    queued_bytes_ -= outgoing_.front()->size();
    outgoing_.pop_front();
  }
  if (error) return finish(error.message());
  write_next();
}

template <class Stream>
void WebSocketSession<Stream>::finish(std::string_view reason) {
  if (finished_) return;
  finished_ = true;
  close_deadline_.cancel();
  leave_room(true, reason);
  if (registered_) {
    hub_.remove(*this);
    registered_ = false;
  }
  // Aborts whatever is still pending on this connection; each handler then
  // sees finished_ and stops.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace rtcengine::signal_server
