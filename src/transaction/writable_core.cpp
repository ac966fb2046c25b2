#include "transaction/writable_core.hpp"

#include <cstdlib>
#include <vector>

#include "socket/socket_access.hpp"
#include "socket/socket_core.hpp"
#include "transaction/corruption_hook.hpp"
#include "transaction/sent_input.hpp"
#include "transaction/transfer_events.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

std::string transfer_id(const Json& metadata) {
  Sha256 hasher;
  auto text = metadata.dump();
  hasher.update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return hasher.finish_hex().substr(0, 32);
}

// After `abort`, the reader closes the socket (rtc-engine's order: a writer
// closing at once could cut the `abort` off); past this the writer closes.
constexpr auto kReaderCloseGrace = std::chrono::seconds(5);

}  // namespace

WritableCore::WritableCore(SocketPtr socket, Json metadata, TransferOptions options)
    : socket_(std::move(socket)),
      loop_(core_of(*socket_).loop()),
      metadata_(std::move(metadata)),
      options_(options),
      size_(announced_size(metadata_)),
      corrupt_at_(corruption_offset_for_tests()),
      status_(loop_, size_, options_.progress_interval, [this]() -> std::optional<std::uint64_t> {
        // With confirmations, the meter has every confirmed byte.
        if (peer_acks_) return std::nullopt;
        return confirmed_bytes();
      }) {
  options_.validate();  // the engine checked already; this guards other callers
}

void WritableCore::start() {
  status_.bind(std::shared_ptr<TransferStatus>(shared_from_this(), &status_));
  announces_digest_ = core_of(*socket_).peer_extensions().transfer;
  std::weak_ptr<WritableCore> weak = weak_from_this();
  auto with_self = [weak](auto action) {
    return [weak, action](const Json& payload) {
      if (auto self = weak.lock()) action(*self, payload);
    };
  };
  socket_->on_event(kTransactionReadyEvent, with_self([](WritableCore& self, const Json& payload) {
                      self.on_ready(payload);
                    }));
  using Hold = TransferStatus::Hold;
  auto set_hold = [with_self](Hold hold, bool on) {
    return with_self([hold, on](WritableCore& self, const Json&) {
      std::lock_guard lock(self.status_.mutex());
      self.status_.hold(hold, on);
    });
  };
  socket_->on_event(kPauseEvent, set_hold(Hold::there, true));
  socket_->on_event(kResumeEvent, set_hold(Hold::there, false));
  socket_->on_event(kBufferFullEvent, set_hold(Hold::reader_full, true));
  socket_->on_event(kPullEvent, set_hold(Hold::reader_full, false));
  // The reader stopped (cancel) or refused the data: the writer fails with
  // its reason and closes the socket, as rtc-engine's does.
  using Failure = TransferStatus::Failure;
  auto fail_and_close = [with_self](Failure kind, const char* what, const char* fallback) {
    return with_self([kind, what, fallback](WritableCore& self, const Json& payload) {
      {
        std::lock_guard lock(self.status_.mutex());
        self.fail(std::string(what) + reason_of(payload, fallback), kind);
      }
      self.socket_->close();
    });
  };
  socket_->on_event(
      kCancelEvent,
      fail_and_close(Failure::stop, "the receiver cancelled the transfer: ", "no reason given"));
  socket_->on_event(kIntegrityFailedEvent,
                    fail_and_close(Failure::integrity,
                                   "the receiver found the data corrupt: ", "digest mismatch"));
  socket_->on_event(
      kAckEvent, with_self([](WritableCore& self, const Json& payload) { self.on_ack(payload); }));
  socket_->on_event(kVerifiedEvent,
                    with_self([](WritableCore& self, const Json&) { self.on_verified(); }));
  // Held by its socket until the socket closes (which drops its handlers):
  // a transfer runs to its end even if nobody keeps its handle.
  socket_->on_close([self = shared_from_this()] { self->on_socket_closed(); });
  if (announces_digest_) {
    tell(*socket_, kTransferEvent,
         {{"digest", "sha256"}, {"resume", true}, {"id", transfer_id(metadata_)}});
  }
  if (!tell(*socket_, kMetadataEvent, metadata_)) {
    std::lock_guard lock(status_.mutex());
    fail("the transfer's socket closed before the metadata could be sent");
  }
}

void WritableCore::on_ready(const Json& payload) {
  std::unique_lock lock(status_.mutex());
  if (status_.started()) return;
  status_.set_started(true);
  if (announces_digest_ && payload.is_object()) {
    // Only a reader that knows the extension asks for an offset.
    if (payload.contains("offset") && payload["offset"].is_number_unsigned()) {
      offset_ = payload["offset"].get<std::uint64_t>();
      if (size_ && offset_ > *size_) offset_ = 0;
    }
    peer_acks_ = bool_field(payload, "ack");
  }
  acked_ = offset_;
  status_.meter().set_resumed_from(offset_);
  status_.meter().record(offset_);
  RTCENGINE_LOG(info, "transaction " << socket_->label() << ": reader ready at offset " << offset_);
  status_.update_running();
  lock.unlock();
  status_.schedule_progress();
}

void WritableCore::on_ack(const Json& payload) {
  if (!payload.is_object() || !payload.contains("bytes") ||
      !payload["bytes"].is_number_unsigned()) {
    return;
  }
  std::lock_guard lock(status_.mutex());
  // The reader cannot have written more than was sent to it.
  auto bytes = std::min(payload["bytes"].get<std::uint64_t>(), offset_ + sent_);
  acked_ = std::max(acked_, bytes);
  status_.meter().record(confirmed_bytes());
}

void WritableCore::on_verified() {
  {
    std::lock_guard lock(status_.mutex());
    if (status_.current() == TransferState::failed) return;
    acked_ = given_;
    status_.meter().record(confirmed_bytes());
    status_.set_state(TransferState::done);  // with a last progress report
  }
}

void WritableCore::on_socket_closed() {
  std::lock_guard lock(status_.mutex());
  if (status_.ended()) return;
  // An rtc-engine reader closes the socket once it counted every byte
  // (possibly before end() ran here).
  bool all_sent = size_ ? sent_ + offset_ >= *size_ : ended_;
  if (!peer_acks_ && all_sent) {
    acked_ = given_;
    status_.meter().record(confirmed_bytes());
    status_.set_state(TransferState::done);
    return;
  }
  fail("the transfer's socket closed after " + std::to_string(confirmed_bytes()) +
       (size_ ? " of " + std::to_string(*size_) : std::string()) +
       " bytes were confirmed (the connection or the receiver went away)");
}

void WritableCore::fail(const std::string& reason, TransferStatus::Failure kind) {
  if (status_.fail(reason, kind)) {
    RTCENGINE_LOG(info, "transaction " << socket_->label() << " failed: " << reason);
  }
}

std::uint64_t WritableCore::confirmed_bytes() const {
  if (peer_acks_) return acked_;
  // Without confirmations, what left this side is the best we know.
  auto buffered = socket_->buffered_amount();
  auto out = offset_ + sent_;
  return out > buffered ? out - buffered : 0;
}

void WritableCore::write(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    std::size_t piece = std::min(bytes.size(), options_.chunk_size);
    std::uint64_t start;
    {
      std::unique_lock lock(status_.mutex());
      status_.changed().wait(lock, [&] { return status_.flowing() || status_.ended(); });
      status_.throw_if_failed();
      if (ended_ || status_.current() == TransferState::done) {
        throw UsageError("write() after end(): the transaction is complete");
      }
      if (size_ && given_ + piece > *size_) {
        throw UsageError("write() past the size in the metadata (" + std::to_string(*size_) +
                         " bytes)");
      }
      start = given_;
      given_ += piece;
    }
    hasher_.update(bytes.data(), piece);
    // Bytes the reader already has are only hashed.
    std::size_t skip =
        start >= offset_
            ? 0
            : static_cast<std::size_t>(std::min<std::uint64_t>(piece, offset_ - start));
    auto to_send = bytes.subspan(skip, piece - skip);
    if (!to_send.empty()) {
      std::vector<std::uint8_t> corrupted;
      std::uint64_t first = start + skip;
      if (corrupt_at_ && *corrupt_at_ >= first && *corrupt_at_ < first + to_send.size()) {
        corrupted.assign(to_send.begin(), to_send.end());
        corrupted[*corrupt_at_ - first] ^= 0xff;
        to_send = corrupted;
      }
      try {
        socket_->write_binary(to_send);
      } catch (const ClosedError&) {
        std::lock_guard lock(status_.mutex());
        fail("the transfer's socket closed while sending");
        status_.throw_if_failed();
      }
      std::lock_guard lock(status_.mutex());
      sent_ += to_send.size();
      if (!peer_acks_) status_.meter().record(confirmed_bytes());
    }
    bytes = bytes.subspan(piece);
  }
}

void WritableCore::end() {
  std::uint64_t given;
  {
    std::unique_lock lock(status_.mutex());
    // An empty transfer still waits for the reader before it can finish.
    status_.changed().wait(
        lock, [&] { return status_.started() || status_.current() == TransferState::failed; });
    status_.throw_if_failed();
    if (ended_) return;
    given = given_;
    if (size_ && given < *size_) {
      lock.unlock();
      auto reason = "the sender ended after " + std::to_string(given) + " of " +
                    std::to_string(*size_) + " bytes";
      stop(reason);
      throw TransferError(reason);
    }
    ended_ = true;
  }
  bool reader_knows_digest;
  {
    std::lock_guard lock(status_.mutex());
    reader_knows_digest = peer_acks_;
  }
  if (announces_digest_) {
    socket_->write_event(kDigestEvent, {{"sha256", hasher_.finish_hex()}, {"bytes", given}});
  }
  // Without a size, an rtc-engine reader learns the end from the socket
  // closing; an RTCEngine reader from the digest, and it answers first.
  if (!size_ && !reader_knows_digest) socket_->close();
}

std::optional<std::uint64_t> WritableCore::wait_ready(std::chrono::milliseconds timeout) {
  std::unique_lock lock(status_.mutex());
  status_.changed().wait_for(lock, timeout, [&] {
    return status_.started() || status_.current() == TransferState::failed;
  });
  status_.throw_if_failed();
  if (!status_.started()) return std::nullopt;
  return offset_;
}

void WritableCore::pause() {
  if (status_.pause_here(true)) tell(*socket_, kPauseEvent);
}

void WritableCore::resume() {
  if (status_.pause_here(false)) tell(*socket_, kResumeEvent);
}

void WritableCore::stop(const std::string& reason) {
  bool ended;
  {
    std::lock_guard lock(status_.mutex());
    ended = status_.ended();
    if (!ended) fail("stopped here: " + reason, TransferStatus::Failure::stop);
  }
  // Final now: no progress or state handler but the final state's after this.
  status_.stop_handlers();
  if (ended) return;
  // The socket is gone: the reader learned from its close.
  if (!tell(*socket_, kAbortEvent, reason)) return;
  loop_.post_after(std::chrono::duration_cast<std::chrono::milliseconds>(kReaderCloseGrace),
                   [socket = socket_] { socket->close(); });
}

std::uint64_t WritableCore::bytes_sent() const {
  std::lock_guard lock(status_.mutex());
  return offset_ + sent_;
}

}  // namespace rtcengine::detail
