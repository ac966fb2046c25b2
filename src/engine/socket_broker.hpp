// socket() calls and the peer's channels. A negotiated socket is created by
// the polite side and taken by the impolite side when its label arrives; an
// unnegotiated one is created by the caller and handed to the peer's
// on_socket() (or on_readable()). Requests outlive connections: if the peer
// restarts before a socket opened, the request is served again on the next
// connection. Loop only, except the request_* and set_incoming_handler calls.
#pragma once

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/session.hpp"
#include "negotiation/peer_extensions.hpp"
#include "rtcengine/errors.hpp"
#include "socket/socket_core.hpp"
#include "webrtc/event_loop.hpp"

namespace rtcengine::detail {

class SocketBroker {
 public:
  using ChannelHandler = std::function<void(std::shared_ptr<SocketCore>)>;
  using FailHandler = std::function<void(std::exception_ptr)>;

  // What the broker needs from the engine that owns it.
  class Host {
   public:
    // The live connection, or nullptr between connections.
    virtual Session* session() = 0;
    // Non-empty once the engine closes: why (requests fail with it).
    virtual std::optional<std::string> closed_reason() const = 0;
    virtual bool connected() const = 0;
    virtual void report_error(const Error& error) = 0;
    // The internal channel of connection `generation` closed: the peer
    // closed its engine.
    virtual void on_internal_channel_closed(std::uint64_t generation) = 0;

   protected:
    ~Host() = default;
  };

  // The peer's channels waiting for the user (per kind) are bounded.
  static constexpr std::size_t kMaxWaitingChannels = 256;

  SocketBroker(EventLoop& loop, Host& host, std::shared_ptr<const PeerExtensions> peer);
  // Callbacks posted or kept by the broker run only while `owner` (the
  // engine holding this broker) lives.
  void bind(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // ---- any thread; each posts to the loop ----
  void request_negotiated(const std::string& label, ChannelHandler on_open, FailHandler on_fail);
  // Creates an unnegotiated channel labelled `prefix`_n; on_open once the
  // peer acknowledged it.
  void request_unnegotiated(const std::string& prefix, ChannelHandler on_open, FailHandler on_fail);
  // The peer's unnegotiated channels whose label starts with `prefix`; the
  // ones that arrived before are handed over first.
  void set_incoming_handler(const std::string& prefix, ChannelHandler handler);

  // ---- loop only ----
  // A connection opened or left the stable signaling state: serve what waits.
  void on_connection_opened();
  void serve_requests();
  void on_data_channel(std::shared_ptr<DataChannel> channel);
  // False (and the channel closed, and an error reported) when
  // `already_waiting` of the peer's channels wait to be taken.
  bool admit_waiting(SocketCore& core, std::size_t already_waiting);
  // The connection is gone: its sockets close, requests wait for the next.
  void abort_session(Session& session, const std::string& reason);
  void fail_all_requests(const std::string& reason);
  // The peer's channels nobody took close with the engine.
  void abort_kept(const std::string& reason);

 private:
  struct Request {
    std::uint64_t id = 0;
    std::optional<std::string> label;  // nullopt: unnegotiated
    std::string unnegotiated_prefix;
    bool internal = false;
    ChannelHandler on_open;
    FailHandler on_fail;
    std::shared_ptr<SocketCore> in_flight;
    int attempts = 0;  // channels created for it on this connection
  };

  template <typename Task>
  void post(Task task) {
    loop_.post([owner = owner_, this, task = std::move(task)]() mutable {
      if (auto alive = owner.lock()) task(*this);
    });
  }
  // Wraps a callback so that it runs only while the owner lives.
  template <typename Callback>
  auto guarded(Callback callback) {
    return [owner = owner_, this, callback = std::move(callback)](auto&&... args) {
      if (auto alive = owner.lock()) callback(*this, std::forward<decltype(args)>(args)...);
    };
  }

  void add_request(Request request);
  void request_internal_socket();
  void serve(Request& request);
  // Whether this side may create a channel now (see socket_broker.cpp).
  bool may_create_channels() const;
  void fulfil(std::uint64_t request_id, std::shared_ptr<SocketCore> core);
  void watch_channel_opens(std::uint64_t request_id, const std::weak_ptr<SocketCore>& core);
  void on_channel_lost(std::uint64_t request_id, const std::shared_ptr<SocketCore>& core);
  void on_unnegotiated_channel(const std::string& prefix, std::shared_ptr<DataChannel> channel);
  void on_negotiated_channel(std::shared_ptr<DataChannel> channel);
  void claim_unclaimed(const std::string& label);
  // Closes the channels that waited longest until one more may wait.
  void make_room_for_waiting_channel();
  void keep_incoming(const std::string& prefix, std::shared_ptr<SocketCore> core);
  std::shared_ptr<SocketCore> make_core(std::shared_ptr<DataChannel> channel,
                                        SocketCore::Side side);
  bool label_in_use(const std::string& label) const;
  bool is_wanted(const std::string& label) const;

  EventLoop& loop_;
  Host& host_;
  std::shared_ptr<const PeerExtensions> peer_;
  std::weak_ptr<void> owner_;
  std::uint64_t next_request_id_ = 1;
  std::list<Request> requests_;
  std::map<std::string, std::weak_ptr<SocketCore>> open_labels_;
  std::uint64_t unnegotiated_counter_ = 0;
  std::map<std::string, ChannelHandler> incoming_handlers_;
  std::map<std::string, std::deque<std::shared_ptr<SocketCore>>> incoming_kept_;
};

}  // namespace rtcengine::detail
