#include "engine/socket_broker.hpp"

#include <algorithm>
#include <vector>

#include "util/log.hpp"

namespace rtcengine::detail {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// A channel of ours that closes before the peer took it, or does not open
// on a live connection within the limit, is created again this many times
// before its socket() call fails.
constexpr int kMaxChannelAttempts = 3;
constexpr auto kChannelOpenLimit = std::chrono::seconds(10);

}  // namespace

SocketBroker::SocketBroker(EventLoop& loop, Host& host, std::shared_ptr<const PeerExtensions> peer)
    : loop_(loop), host_(host), peer_(std::move(peer)) {}

std::shared_ptr<SocketCore> SocketBroker::make_core(std::shared_ptr<DataChannel> channel,
                                                    SocketCore::Side side) {
  auto core = std::make_shared<SocketCore>(loop_, std::move(channel), side, peer_);
  if (auto* session = host_.session()) {
    std::erase_if(session->sockets, [](const auto& old) { return old->is_closed(); });
    session->sockets.push_back(core);
  }
  return core;
}

bool SocketBroker::label_in_use(const std::string& label) const {
  if (is_wanted(label)) return true;
  auto open = open_labels_.find(label);
  if (open == open_labels_.end()) return false;
  auto core = open->second.lock();
  return core && !core->is_closed();
}

bool SocketBroker::is_wanted(const std::string& label) const {
  return std::any_of(requests_.begin(), requests_.end(),
                     [&](const Request& request) { return request.label == label; });
}

void SocketBroker::request_negotiated(const std::string& label, ChannelHandler on_open,
                                      FailHandler on_fail) {
  Request request;
  request.label = label;
  request.on_open = std::move(on_open);
  request.on_fail = std::move(on_fail);
  post([request = std::move(request)](SocketBroker& self) mutable {
    self.add_request(std::move(request));
  });
}

void SocketBroker::request_unnegotiated(const std::string& prefix, ChannelHandler on_open,
                                        FailHandler on_fail) {
  Request request;
  request.unnegotiated_prefix = prefix;
  request.on_open = std::move(on_open);
  request.on_fail = std::move(on_fail);
  post([request = std::move(request)](SocketBroker& self) mutable {
    self.add_request(std::move(request));
  });
}

void SocketBroker::add_request(Request request) {
  // A request made with a handler and no future learns of it through the
  // engine's on_error(): a refused label is never silent.
  auto fail = [&](auto error) {
    if (request.on_fail) {
      request.on_fail(std::make_exception_ptr(error));
    } else {
      host_.report_error(error);
    }
  };
  if (auto reason = host_.closed_reason()) {
    fail(ClosedError(*reason));
    return;
  }
  if (request.label && !request.internal &&
      (*request.label == kInternalLabel || starts_with(*request.label, "RTCEngine-"))) {
    fail(UsageError("socket label \"" + *request.label +
                    "\" is reserved for RTCEngine's own channels"));
    return;
  }
  if (request.label && label_in_use(*request.label)) {
    fail(UsageError("socket \"" + *request.label +
                    "\" is already open or being opened; labels are unique per engine"));
    return;
  }
  request.id = next_request_id_++;
  RTCENGINE_LOG(verbose, "engine " << &host_ << ": socket request " << request.id << " for "
                                   << request.label.value_or("(unnegotiated)"));
  requests_.push_back(std::move(request));
  serve_requests();
}

void SocketBroker::on_connection_opened() {
  request_internal_socket();
  serve_requests();
}

void SocketBroker::request_internal_socket() {
  Request request;
  request.label = kInternalLabel;
  request.internal = true;
  auto generation = host_.session()->generation;
  request.on_open = guarded([generation](SocketBroker& self, std::shared_ptr<SocketCore> core) {
    auto* session = self.host_.session();
    if (session && session->generation == generation) session->internal = std::move(core);
  });
  request.id = next_request_id_++;
  requests_.push_back(std::move(request));
}

void SocketBroker::serve_requests() {
  if (!host_.session() || host_.closed_reason()) return;
  // Serving may fulfil (and erase) requests, so walk a snapshot of ids.
  std::vector<std::uint64_t> waiting;
  for (const auto& request : requests_) {
    if (!request.in_flight) waiting.push_back(request.id);
  }
  for (auto id : waiting) {
    auto request = std::find_if(requests_.begin(), requests_.end(),
                                [id](const Request& r) { return r.id == id; });
    if (request != requests_.end() && !request->in_flight && host_.session() &&
        !host_.closed_reason()) {
      serve(*request);
    }
  }
}

bool SocketBroker::may_create_channels() const {
  // A channel created while an offer is pending gets a stream id guessed
  // from the DTLS role this side would have as offerer; if the offer is then
  // rolled back, the guess can collide with the peer's ids and the channel
  // is refused without a word. So: only while no offer is pending, and on
  // the impolite side (which never rolls back, and whose peer creates the
  // first channel) only after the first exchange. The polite side's first
  // batch goes before its first offer exists, when no id is guessed.
  const Session& session = *host_.session();
  if (session.signaling != SignalingState::stable) return false;
  if (session.negotiated) return true;
  return session.polite && !session.connection->local_description();
}

void SocketBroker::serve(Request& request) {
  Session& session = *host_.session();
  bool creates_channel = !request.label || session.polite;
  if (!creates_channel) {
    claim_unclaimed(*request.label);
    return;
  }
  if (!request.internal && !may_create_channels()) return;  // served when stable

  std::string label =
      request.label ? *request.label
                    : request.unnegotiated_prefix + "_" + std::to_string(unnegotiated_counter_++);
  std::shared_ptr<DataChannel> channel;
  try {
    channel = session.connection->create_data_channel(label);
  } catch (const Error& error) {
    host_.report_error(error);
    return;
  }
  RTCENGINE_LOG(verbose, "engine " << &host_ << ": created channel " << label);
  auto core = make_core(std::move(channel), SocketCore::Side::creator);
  request.in_flight = core;
  ++request.attempts;
  auto id = request.id;
  std::weak_ptr<SocketCore> weak_core = core;
  SocketCore::Hooks hooks;
  hooks.on_ready = guarded([id, weak_core](SocketBroker& self) {
    if (auto ready = weak_core.lock()) self.fulfil(id, ready);
  });
  hooks.on_closed = guarded([id, weak_core](SocketBroker& self) {
    if (auto lost = weak_core.lock()) self.on_channel_lost(id, lost);
  });
  core->start(std::move(hooks));
  watch_channel_opens(id, core);
}

void SocketBroker::on_channel_lost(std::uint64_t request_id,
                                   const std::shared_ptr<SocketCore>& core) {
  // abort_session() clears in_flight first: then the request simply waits
  // for the next connection. Otherwise the peer refused or dropped it.
  auto request = std::find_if(requests_.begin(), requests_.end(), [&](const Request& r) {
    return r.id == request_id && r.in_flight == core;
  });
  if (request == requests_.end()) return;
  request->in_flight.reset();
  if (request->attempts < kMaxChannelAttempts || request->internal) {
    RTCENGINE_LOG(info, "engine " << &host_ << ": channel " << core->label()
                                  << " closed before the peer took it; creating it again");
    post([](SocketBroker& self) { self.serve_requests(); });
    return;
  }
  auto failed = std::move(*request);
  requests_.erase(request);
  auto reason = "socket \"" + core->label() + "\": the peer closed or refused its channel " +
                std::to_string(failed.attempts) + " times before taking it";
  host_.report_error(Error(reason));
  if (failed.on_fail) failed.on_fail(std::make_exception_ptr(Error(reason)));
}

void SocketBroker::watch_channel_opens(std::uint64_t request_id,
                                       const std::weak_ptr<SocketCore>& weak_core) {
  auto check = guarded([request_id, weak_core](SocketBroker& self) {
    auto core = weak_core.lock();
    if (!core || self.host_.closed_reason() || core->is_closed()) return;
    bool waiting = std::any_of(self.requests_.begin(), self.requests_.end(), [&](const Request& r) {
      return r.id == request_id && r.in_flight == core;
    });
    if (!waiting || core->channel_is_open()) return;
    if (!self.host_.connected()) {
      self.watch_channel_opens(request_id, core);  // judged once the path is up
      return;
    }
    RTCENGINE_LOG(warning, "engine " << &self.host_ << ": channel " << core->label()
                                     << " did not open on a live connection");
    core->abort("the channel did not open");
  });
  loop_.post_after(kChannelOpenLimit, std::move(check));
}

void SocketBroker::claim_unclaimed(const std::string& label) {
  Session& session = *host_.session();
  auto found = session.unclaimed.find(label);
  if (found == session.unclaimed.end()) return;
  for (auto& request : requests_) {
    if (request.label != label) continue;
    auto core = found->second;
    session.unclaimed.erase(found);
    core->claim();
    fulfil(request.id, core);
    return;
  }
  // No socket() call for it yet: it stays until one comes.
}

void SocketBroker::fulfil(std::uint64_t request_id, std::shared_ptr<SocketCore> core) {
  auto found = std::find_if(requests_.begin(), requests_.end(),
                            [request_id](const Request& r) { return r.id == request_id; });
  if (found == requests_.end()) return;
  auto request = std::move(*found);
  requests_.erase(found);
  RTCENGINE_LOG(verbose, "engine " << &host_ << ": socket " << core->label() << " is open (id "
                                   << core->channel_id() << ")");
  if (request.label && !request.internal) open_labels_[*request.label] = core;
  if (request.internal) {
    auto* session = host_.session();
    auto generation = session ? session->generation : 0;
    // The peer closing its engine closes this channel: the engine closes too.
    core->on_close(guarded(
        [generation](SocketBroker& self) { self.host_.on_internal_channel_closed(generation); }));
  }
  if (request.on_open) request.on_open(std::move(core));
}

void SocketBroker::on_data_channel(std::shared_ptr<DataChannel> channel) {
  RTCENGINE_LOG(verbose, "engine " << &host_ << ": the peer opened channel " << channel->label()
                                   << " (id " << channel->id() << ")");
  if (host_.closed_reason()) {
    // Arrived after close() swept the sockets: nobody will take it now.
    channel->close();
    return;
  }
  // Unnegotiated: the label only says what kind of channel it is.
  for (const char* prefix : {kUnnegotiatedSocketPrefix, kUnnegotiatedTransactionPrefix}) {
    if (starts_with(channel->label(), prefix)) {
      on_unnegotiated_channel(prefix, std::move(channel));
      return;
    }
  }
  on_negotiated_channel(std::move(channel));
}

void SocketBroker::on_unnegotiated_channel(const std::string& prefix,
                                           std::shared_ptr<DataChannel> channel) {
  ++unnegotiated_counter_;  // as rtc-engine does, so both sides' labels spread
  auto core = make_core(std::move(channel), SocketCore::Side::receiver);
  core->start({});
  // The handler claims it (sends `__received`) once it admitted it.
  auto handler = incoming_handlers_.find(prefix);
  if (handler != incoming_handlers_.end() && handler->second) {
    handler->second(core);
  } else {
    keep_incoming(prefix, std::move(core));
  }
}

void SocketBroker::on_negotiated_channel(std::shared_ptr<DataChannel> channel) {
  // Kept until the matching socket() call takes it. When too many wait, the
  // one that waited longest is closed: a socket() call made now (or one
  // already waiting) still finds the newest.
  Session& session = *host_.session();
  std::string label = channel->label();
  if (!is_wanted(label) && !session.unclaimed.count(label)) make_room_for_waiting_channel();
  auto core = make_core(std::move(channel), SocketCore::Side::receiver);
  std::weak_ptr<SocketCore> weak_core = core;
  SocketCore::Hooks hooks;
  hooks.on_closed = guarded([label, weak_core](SocketBroker& self) {
    auto* now = self.host_.session();
    if (!now) return;
    auto found = now->unclaimed.find(label);
    if (found != now->unclaimed.end() && found->second == weak_core.lock()) {
      now->unclaimed.erase(found);
    }
  });
  core->start(std::move(hooks));
  if (auto old = session.unclaimed.find(label); old != session.unclaimed.end()) {
    old->second->abort("replaced by a newer channel with the same label");
  }
  session.unclaimed[label] = core;
  session.unclaimed_order.push_back(label);
  claim_unclaimed(label);
}

void SocketBroker::make_room_for_waiting_channel() {
  Session& session = *host_.session();
  auto& order = session.unclaimed_order;
  auto& waiting = session.unclaimed;
  if (order.size() > 2 * kMaxWaitingChannels) {  // drop labels no longer waiting
    std::erase_if(order, [&](const std::string& label) { return !waiting.count(label); });
  }
  while (waiting.size() >= kMaxWaitingChannels && !order.empty()) {
    auto oldest = waiting.find(order.front());
    order.pop_front();
    if (oldest == waiting.end()) continue;
    host_.report_error(
        ProtocolError("closed the peer's channel \"" + oldest->first.substr(0, 100) +
                      "\": " + std::to_string(kMaxWaitingChannels) +
                      " of its channels wait for a socket() call, and it waited longest"));
    auto core = oldest->second;
    waiting.erase(oldest);
    core->abort("too many of the peer's channels wait for a socket() call");
  }
}

void SocketBroker::keep_incoming(const std::string& prefix, std::shared_ptr<SocketCore> core) {
  auto& kept = incoming_kept_[prefix];
  std::erase_if(kept, [](const auto& old) { return old->is_closed(); });
  if (admit_waiting(*core, kept.size())) kept.push_back(std::move(core));
}

bool SocketBroker::admit_waiting(SocketCore& core, std::size_t already_waiting) {
  if (already_waiting < kMaxWaitingChannels) return true;
  // A peer flooding us with channels nobody asked for.
  host_.report_error(ProtocolError("closed the peer's channel \"" + core.label() +
                                   "\": " + std::to_string(kMaxWaitingChannels) +
                                   " of its channels already wait to be taken"));
  core.abort("too many channels waiting");
  return false;
}

void SocketBroker::set_incoming_handler(const std::string& prefix, ChannelHandler handler) {
  post([prefix, handler = std::move(handler)](SocketBroker& self) {
    self.incoming_handlers_[prefix] = handler;
    if (!handler) return;
    auto kept = std::move(self.incoming_kept_[prefix]);
    self.incoming_kept_.erase(prefix);
    for (auto& core : kept) handler(core);
  });
}

void SocketBroker::abort_session(Session& session, const std::string& reason) {
  for (auto& request : requests_) {
    if (request.in_flight) {
      auto core = std::move(request.in_flight);
      core->abort(reason);
    }
  }
  for (auto& [label, core] : session.unclaimed) core->abort(reason);
  for (auto& core : session.sockets) core->abort(reason);
}

void SocketBroker::fail_all_requests(const std::string& reason) {
  auto requests = std::move(requests_);
  requests_.clear();
  for (auto& request : requests) {
    if (request.in_flight) request.in_flight->abort(reason);
    if (request.on_fail) request.on_fail(std::make_exception_ptr(ClosedError(reason)));
  }
}

void SocketBroker::abort_kept(const std::string& reason) {
  for (auto& [prefix, kept] : incoming_kept_) {
    for (auto& core : kept) core->abort(reason);
  }
  incoming_kept_.clear();
}

}  // namespace rtcengine::detail
