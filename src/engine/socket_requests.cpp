// socket() calls and the peer's channels. A negotiated socket is created by
// the polite side and taken by the impolite side when its label arrives; an
// unnegotiated one is created by the caller and handed to the peer's
// on_socket(). Requests outlive connections: if the peer restarts before a
// socket opened, the request is served again on the new connection.
#include <algorithm>
#include <vector>

#include "engine/engine_core.hpp"
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

std::shared_ptr<SocketCore> EngineCore::make_core(std::shared_ptr<DataChannel> channel,
                                                  SocketCore::Side side) {
  auto core = std::make_shared<SocketCore>(loop_, std::move(channel), side, peer_extensions_);
  if (session_) {
    std::erase_if(session_->sockets, [](const auto& old) { return old->is_closed(); });
    session_->sockets.push_back(core);
  }
  return core;
}

bool EngineCore::label_in_use(const std::string& label) const {
  for (const auto& request : requests_) {
    if (request.label == label) return true;
  }
  auto open = open_labels_.find(label);
  if (open == open_labels_.end()) return false;
  auto core = open->second.lock();
  return core && !core->is_closed();
}

void EngineCore::request_socket(std::optional<std::string> label, SocketHandler on_open,
                                FailHandler on_fail) {
  auto open = [on_open = std::move(on_open)](std::shared_ptr<SocketCore> core) {
    on_open(std::make_shared<Socket>(std::move(core)));
  };
  if (label) {
    request_negotiated(*label, std::move(open), std::move(on_fail));
  } else {
    request_unnegotiated(kUnnegotiatedSocketPrefix, std::move(open), std::move(on_fail));
  }
}

void EngineCore::request_negotiated(const std::string& label, ChannelHandler on_open,
                                    FailHandler on_fail) {
  SocketRequest request;
  request.label = label;
  request.on_open = std::move(on_open);
  request.on_fail = std::move(on_fail);
  post([request = std::move(request)](EngineCore& self) mutable {
    self.add_request(std::move(request));
  });
}

void EngineCore::request_unnegotiated(const std::string& prefix, ChannelHandler on_open,
                                      FailHandler on_fail) {
  SocketRequest request;
  request.unnegotiated_prefix = prefix;
  request.on_open = std::move(on_open);
  request.on_fail = std::move(on_fail);
  post([request = std::move(request)](EngineCore& self) mutable {
    self.add_request(std::move(request));
  });
}

void EngineCore::add_request(SocketRequest request) {
  auto fail = [&](auto error) {
    if (request.on_fail) request.on_fail(std::make_exception_ptr(error));
  };
  if (closing_) {
    fail(ClosedError(close_reason_.empty()
                         ? "the engine is closed; create a new engine to open sockets"
                         : close_reason_));
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
  RTCENGINE_LOG(verbose, "engine " << this << ": socket request " << request.id << " for "
                                   << request.label.value_or("(unnegotiated)"));
  requests_.push_back(std::move(request));
  serve_requests();
}

void EngineCore::request_internal_socket() {
  SocketRequest request;
  request.label = kInternalLabel;
  request.internal = true;
  auto generation = session_->generation;
  std::weak_ptr<EngineCore> weak = weak_from_this();
  request.on_open = [weak, generation](std::shared_ptr<SocketCore> core) {
    auto self = weak.lock();
    if (!self || !self->session_ || self->session_->generation != generation) return;
    self->session_->internal = std::move(core);
  };
  requests_.push_back(std::move(request));
  requests_.back().id = next_request_id_++;
}

void EngineCore::serve_requests() {
  if (!session_ || closing_) return;
  // Serving may fulfil (and erase) requests, so walk a snapshot of ids.
  std::vector<std::uint64_t> waiting;
  for (const auto& request : requests_) {
    if (!request.in_flight) waiting.push_back(request.id);
  }
  for (auto id : waiting) {
    auto request = std::find_if(requests_.begin(), requests_.end(),
                                [id](const SocketRequest& r) { return r.id == id; });
    if (request != requests_.end() && !request->in_flight && session_ && !closing_) {
      serve(*request);
    }
  }
}

bool EngineCore::may_create_channels() const {
  // A channel created while an offer is pending gets a stream id guessed
  // from the DTLS role this side would have as offerer; if the offer is then
  // rolled back, the guess can collide with the peer's ids and the channel
  // is refused without a word. So: only while no offer is pending, and on
  // the impolite side (which never rolls back, and whose peer creates the
  // first channel) only after the first exchange. The polite side's first
  // batch goes before its first offer exists, when no id is guessed.
  if (session_->signaling != SignalingState::stable) return false;
  if (session_->negotiated) return true;
  return session_->polite && !session_->connection->local_description();
}

void EngineCore::serve(SocketRequest& request) {
  bool creates_channel = !request.label || session_->polite;
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
    channel = session_->connection->create_data_channel(label);
  } catch (const Error& error) {
    report_error(error);
    return;
  }
  RTCENGINE_LOG(verbose, "engine " << this << ": created channel " << label);
  auto core = make_core(std::move(channel), SocketCore::Side::creator);
  request.in_flight = core;
  ++request.attempts;
  auto id = request.id;
  std::weak_ptr<EngineCore> weak = weak_from_this();
  std::weak_ptr<SocketCore> weak_core = core;
  SocketCore::Hooks hooks;
  hooks.on_ready = [weak, id, weak_core] {
    auto self = weak.lock();
    auto ready = weak_core.lock();
    if (self && ready) self->fulfil(id, ready);
  };
  hooks.on_closed = [weak, id, weak_core] {
    auto self = weak.lock();
    auto lost = weak_core.lock();
    if (self && lost) self->on_channel_lost(id, lost);
  };
  core->start(std::move(hooks));
  watch_channel_opens(id, core);
}

void EngineCore::on_channel_lost(std::uint64_t request_id,
                                 const std::shared_ptr<SocketCore>& core) {
  // end_session() clears in_flight first: then the request simply waits for
  // the next connection. Otherwise the peer refused or dropped the channel.
  auto request = std::find_if(requests_.begin(), requests_.end(), [&](const SocketRequest& r) {
    return r.id == request_id && r.in_flight == core;
  });
  if (request == requests_.end()) return;
  request->in_flight.reset();
  if (request->attempts < kMaxChannelAttempts || request->internal) {
    RTCENGINE_LOG(info, "engine " << this << ": channel " << core->label()
                                  << " closed before the peer took it; creating it again");
    post([](EngineCore& self) { self.serve_requests(); });
    return;
  }
  auto failed = std::move(*request);
  requests_.erase(request);
  auto reason = "socket \"" + core->label() + "\": the peer closed or refused its channel " +
                std::to_string(failed.attempts) + " times before taking it";
  report_error(Error(reason));
  if (failed.on_fail) failed.on_fail(std::make_exception_ptr(Error(reason)));
}

void EngineCore::watch_channel_opens(std::uint64_t request_id,
                                     std::weak_ptr<SocketCore> weak_core) {
  std::weak_ptr<EngineCore> weak = weak_from_this();
  loop_.post_after(kChannelOpenLimit, [weak, request_id, weak_core = std::move(weak_core)] {
    auto self = weak.lock();
    auto core = weak_core.lock();
    if (!self || !core || self->closing_ || core->is_closed()) return;
    bool waiting =
        std::any_of(self->requests_.begin(), self->requests_.end(), [&](const SocketRequest& r) {
          return r.id == request_id && r.in_flight == core;
        });
    if (!waiting || core->channel_is_open()) return;
    if (self->state() != ConnectionState::connected) {
      self->watch_channel_opens(request_id, core);  // judged once the path is up
      return;
    }
    RTCENGINE_LOG(warning, "engine " << self.get() << ": channel " << core->label()
                                     << " did not open on a live connection");
    core->abort("the channel did not open");
  });
}

void EngineCore::claim_unclaimed(const std::string& label) {
  auto found = session_->unclaimed.find(label);
  if (found == session_->unclaimed.end()) return;
  for (auto& request : requests_) {
    if (request.label != label) continue;
    auto core = found->second;
    session_->unclaimed.erase(found);
    core->claim();
    fulfil(request.id, core);
    return;
  }
  // No socket() call for it yet: it stays until one comes.
}

void EngineCore::fulfil(std::uint64_t request_id, std::shared_ptr<SocketCore> core) {
  for (auto it = requests_.begin(); it != requests_.end(); ++it) {
    if (it->id != request_id) continue;
    auto request = std::move(*it);
    requests_.erase(it);
    RTCENGINE_LOG(verbose, "engine " << this << ": socket " << core->label() << " is open (id "
                                     << core->channel_id() << ")");
    if (request.label && !request.internal) open_labels_[*request.label] = core;
    if (request.internal) {
      std::weak_ptr<EngineCore> weak = weak_from_this();
      auto generation = session_ ? session_->generation : 0;
      // The peer closing its engine closes this channel: close ours too.
      core->on_close([weak, generation] {
        auto self = weak.lock();
        if (!self || self->closing_ || !self->session_ ||
            self->session_->generation != generation) {
          return;
        }
        self->begin_close(true);
      });
    }
    if (request.on_open) request.on_open(std::move(core));
    return;
  }
}

void EngineCore::on_data_channel(std::uint64_t, std::shared_ptr<DataChannel> channel) {
  std::string label = channel->label();
  RTCENGINE_LOG(verbose, "engine " << this << ": the peer opened channel " << label << " (id "
                                   << channel->id() << ")");
  if (closing_) {
    // Arrived after close() swept the sockets: nobody will take it now.
    channel->close();
    return;
  }
  // Unnegotiated: the label only says what kind of channel it is.
  for (const std::string& prefix :
       {std::string(kUnnegotiatedSocketPrefix), std::string(kUnnegotiatedTransactionPrefix)}) {
    if (!starts_with(label, prefix)) continue;
    ++unnegotiated_counter_;  // as rtc-engine does, so both sides' labels spread
    auto core = make_core(std::move(channel), SocketCore::Side::receiver);
    std::weak_ptr<EngineCore> weak = weak_from_this();
    std::weak_ptr<SocketCore> weak_core = core;
    core->start({});
    // The handler claims it (sends `__received`) once it admitted it.
    auto handler = incoming_handlers_.find(prefix);
    if (handler != incoming_handlers_.end() && handler->second) {
      handler->second(core);
    } else {
      keep_incoming(prefix, std::move(core));
    }
    return;
  }
  // Negotiated: kept until the matching socket() call takes it. When too
  // many wait, the one that waited longest is closed: a socket() call made
  // now (or one already waiting) still finds the newest.
  bool wanted = std::any_of(requests_.begin(), requests_.end(),
                            [&](const SocketRequest& r) { return r.label == label; });
  if (!wanted && !session_->unclaimed.count(label)) make_room_for_waiting_channel();
  auto core = make_core(std::move(channel), SocketCore::Side::receiver);
  std::weak_ptr<EngineCore> weak = weak_from_this();
  std::weak_ptr<SocketCore> weak_core = core;
  SocketCore::Hooks hooks;
  hooks.on_closed = [weak, label, weak_core] {
    auto self = weak.lock();
    if (!self || !self->session_) return;
    auto found = self->session_->unclaimed.find(label);
    if (found != self->session_->unclaimed.end() && found->second == weak_core.lock()) {
      self->session_->unclaimed.erase(found);
    }
  };
  core->start(std::move(hooks));
  if (auto old = session_->unclaimed.find(label); old != session_->unclaimed.end()) {
    old->second->abort("replaced by a newer channel with the same label");
  }
  session_->unclaimed[label] = core;
  session_->unclaimed_order.push_back(label);
  claim_unclaimed(label);
}

void EngineCore::make_room_for_waiting_channel() {
  auto& order = session_->unclaimed_order;
  auto& waiting = session_->unclaimed;
  if (order.size() > 2 * kMaxWaitingChannels) {  // drop labels no longer waiting
    std::erase_if(order, [&](const std::string& label) { return !waiting.count(label); });
  }
  while (waiting.size() >= kMaxWaitingChannels && !order.empty()) {
    auto oldest = waiting.find(order.front());
    order.pop_front();
    if (oldest == waiting.end()) continue;
    report_error(ProtocolError("closed the peer's channel \"" + oldest->first.substr(0, 100) +
                               "\": " + std::to_string(kMaxWaitingChannels) +
                               " of its channels wait for a socket() call, and it waited longest"));
    auto core = oldest->second;
    waiting.erase(oldest);
    core->abort("too many of the peer's channels wait for a socket() call");
  }
}

void EngineCore::keep_incoming(const std::string& prefix, std::shared_ptr<SocketCore> core) {
  auto& kept = incoming_kept_[prefix];
  std::erase_if(kept, [](const auto& old) { return old->is_closed(); });
  if (admit_waiting(*core, kept.size())) kept.push_back(std::move(core));
}

bool EngineCore::admit_waiting(SocketCore& core, std::size_t already_waiting) {
  if (already_waiting < kMaxWaitingChannels) return true;
  // A peer flooding us with channels nobody asked for.
  report_error(ProtocolError("closed the peer's channel \"" + core.label() +
                             "\": " + std::to_string(kMaxWaitingChannels) +
                             " of its channels already wait to be taken"));
  core.abort("too many channels waiting");
  return false;
}

void EngineCore::set_incoming_handler(const std::string& prefix, ChannelHandler handler) {
  post([prefix, handler = std::move(handler)](EngineCore& self) {
    self.incoming_handlers_[prefix] = handler;
    if (!handler) return;
    auto kept = std::move(self.incoming_kept_[prefix]);
    self.incoming_kept_.erase(prefix);
    for (auto& core : kept) handler(core);
  });
}

void EngineCore::fail_all_requests(const std::string& reason) {
  auto requests = std::move(requests_);
  requests_.clear();
  for (auto& request : requests) {
    if (request.in_flight) request.in_flight->abort(reason);
    if (request.on_fail) request.on_fail(std::make_exception_ptr(ClosedError(reason)));
  }
}

}  // namespace rtcengine::detail
