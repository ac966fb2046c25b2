#include "transaction/readable_core.hpp"

#include "rtcengine/errors.hpp"
#include "socket/socket_access.hpp"
#include "socket/socket_core.hpp"
#include "transaction/sent_input.hpp"
#include "transaction/transfer_events.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

std::string bytes_of(std::uint64_t done, std::optional<std::uint64_t> total) {
  return std::to_string(done) + (total ? " of " + std::to_string(*total) : std::string()) +
         " bytes";
}

}  // namespace

ReadableCore::ReadableCore(SocketPtr socket, Json metadata, const Json& transfer,
                           TransferOptions options)
    : socket_(std::move(socket)),
      loop_(core_of(*socket_).loop()),
      metadata_(std::move(metadata)),
      options_(options),
      size_(announced_size(metadata_)),
      status_(loop_, size_, options_.progress_interval) {
  options_.validate();  // the engine checked already; this guards other callers
  if (transfer.is_object()) {
    writer_has_extension_ = true;
    writer_sends_digest_ = transfer.value("digest", Json()) == "sha256";
    auto id = transfer.find("id");
    if (transfer.value("resume", Json()) == true && id != transfer.end() && id->is_string()) {
      transfer_id_ = id->get<std::string>();
    }
  }
}

void ReadableCore::start() {
  status_.bind(std::shared_ptr<TransferStatus>(shared_from_this(), &status_));
  std::weak_ptr<ReadableCore> weak = weak_from_this();
  auto with_self = [weak](auto action) {
    return [weak, action](const Json& payload) {
      if (auto self = weak.lock()) action(*self, payload);
    };
  };
  socket_->on_data([weak](const Message& message) {
    if (auto self = weak.lock()) self->on_chunk(message);
  });
  socket_->on_event(kDigestEvent, with_self([](ReadableCore& self, const Json& payload) {
                      self.on_digest(payload);
                    }));
  auto hold_there = [with_self](bool on) {
    return with_self([on](ReadableCore& self, const Json&) {
      std::lock_guard lock(self.status_.mutex());
      self.status_.hold(TransferStatus::Hold::there, on);
    });
  };
  socket_->on_event(kPauseEvent, hold_there(true));
  socket_->on_event(kResumeEvent, hold_there(false));
  socket_->on_event(kAbortEvent, with_self([](ReadableCore& self, const Json& payload) {
                      self.stop_pending_ = true;
                      self.fail_here("the sender stopped the transfer: " +
                                         reason_of(payload, "no reason given"),
                                     nullptr);
                    }));
  // Held by its socket until the socket closes (which drops its handlers):
  // a transfer runs to its end even if nobody keeps its handle.
  socket_->on_close([self = shared_from_this()] { self->on_socket_closed(); });
}

bool ReadableCore::claim_sink() {
  std::lock_guard lock(status_.mutex());
  if (status_.started()) {
    throw UsageError("a Readable delivers to one sink; one was chosen already");
  }
  status_.set_started(true);
  return status_.current() != TransferState::failed;
}

void ReadableCore::on_data(ChunkHandler handler) {
  if (!claim_sink()) return;
  auto self = shared_from_this();
  loop_.post(
      [self, handler = std::move(handler)] { self->choose_sink(callback_sink(handler), 0); });
}

void ReadableCore::pipe_to(std::ostream& out) {
  if (!claim_sink()) return;
  auto self = shared_from_this();
  loop_.post([self, &out] { self->choose_sink(stream_sink(out), 0); });
}

void ReadableCore::save_to(SaveTarget target, SaveOptions options) {
  if (!claim_sink()) {
    std::lock_guard lock(status_.mutex());
    // As save_to() documents for a file it cannot write.
    throw TransferError(status_.failure_reason());
  }
  std::shared_ptr<PartialFile> file;
  try {
    file = std::make_shared<PartialFile>(
        std::move(target), options.keep_partial ? transfer_id_ : "", size_, options.overwrite);
  } catch (...) {
    std::lock_guard lock(status_.mutex());
    status_.set_started(false);
    throw;
  }
  auto self = shared_from_this();
  loop_.post([self, file, keep = options.keep_partial]() mutable {
    self->hasher_ = std::move(file->hasher());
    auto offset = file->resume_offset();
    self->choose_sink(file_sink(std::move(file), keep), offset);
  });
}

void ReadableCore::choose_sink(std::unique_ptr<ReaderSink> sink, std::uint64_t offset) {
  sink_ = std::move(sink);
  received_ = offset;
  last_ack_ = offset;
  {
    std::lock_guard lock(status_.mutex());
    if (status_.current() == TransferState::failed) return;
    status_.meter().set_resumed_from(offset);
    status_.meter().record(offset);
    status_.update_running();
  }
  if (offset > 0) {
    RTCENGINE_LOG(info, "transaction " << socket_->label() << ": resuming at " << offset);
  }
  try {
    // An rtc-engine writer expects no payload; ours learns where to start.
    socket_->write_event(kTransactionReadyEvent,
                         writer_has_extension_ ? Json{{"offset", offset}, {"ack", true}} : Json());
  } catch (const Error& error) {
    fail_here(std::string("could not answer the sender: ") + error.what(), nullptr);
    return;
  }
  status_.schedule_progress();
  maybe_finish();  // an empty transfer is complete at once
}

void ReadableCore::on_chunk(const Message& message) {
  if (finished_ || status_.state() == TransferState::failed) return;
  if (!message.is_binary()) {
    RTCENGINE_LOG(warning, "transaction " << socket_->label() << ": ignored a text frame");
    return;
  }
  const auto& bytes = message.bytes();
  if (!sink_) {
    fail_here("the sender sent data before this side was ready", kCancelEvent);
    return;
  }
  if (size_ && received_ + bytes.size() > *size_) {
    fail_here("the sender sent more than the " + std::to_string(*size_) + " bytes it announced",
              kCancelEvent);
    return;
  }
  hasher_.update(bytes.data(), bytes.size());
  try {
    sink_->write(bytes);
  } catch (const std::exception& error) {
    fail_here(error.what(), kCancelEvent);
    return;
  }
  received_ += bytes.size();
  {
    std::lock_guard lock(status_.mutex());
    status_.meter().record(received_);
  }
  if (writer_has_extension_ && received_ - last_ack_ >= kAckEvery) {
    last_ack_ = received_;
    tell(*socket_, kAckEvent, {{"bytes", received_}});
  }
  maybe_finish();
}

void ReadableCore::on_digest(const Json& payload) {
  if (!payload.is_object() || !payload.contains("sha256") || !payload["sha256"].is_string()) {
    fail_here("the sender's digest is malformed: " + payload.dump(), kCancelEvent);
    return;
  }
  expected_digest_ = payload["sha256"].get<std::string>();
  if (!size_) {
    // The digest follows the last chunk on the ordered channel: the end.
    if (payload.contains("bytes") && payload["bytes"].is_number_unsigned() &&
        payload["bytes"].get<std::uint64_t>() != received_) {
      fail_here("the sender wrote " + payload["bytes"].dump() + " bytes but " +
                    std::to_string(received_) + " arrived",
                kIntegrityFailedEvent, true);
      return;
    }
    if (sink_ && !finished_) finish();
    return;
  }
  maybe_finish();
}

void ReadableCore::maybe_finish() {
  if (finished_ || !sink_ || !size_ || received_ != *size_) return;
  if (writer_sends_digest_ && !expected_digest_) return;  // it follows the last chunk
  finish();
}

void ReadableCore::finish() {
  finished_ = true;
  if (expected_digest_) {
    auto actual = hasher_.finish_hex();
    if (actual != *expected_digest_) {
      fail_here("SHA-256 mismatch: the sender's digest is " + *expected_digest_ +
                    ", the received data's is " + actual,
                kIntegrityFailedEvent, true);
      return;
    }
  }
  try {
    sink_->commit();
  } catch (const std::exception& error) {
    finished_ = false;
    fail_here(error.what(), kCancelEvent);
    return;
  }
  {
    std::lock_guard lock(status_.mutex());
    queue_.end();
    status_.meter().record(received_);
    status_.set_state(TransferState::done);
  }
  status_.changed().notify_all();
  if (writer_has_extension_) tell(*socket_, kVerifiedEvent, {{"bytes", received_}});
  socket_->close();  // the done state comes with a last progress report
}

void ReadableCore::on_socket_closed() {
  if (finished_ || status_.state() == TransferState::failed) return;
  // Without a size, the writer's close is the end of the data; our writer
  // sends its digest first, so a missing digest means it went away early.
  if (!size_ && sink_ && (!writer_sends_digest_ || expected_digest_)) {
    finish();
    return;
  }
  fail_here("the sender's socket closed after " + bytes_of(received_, size_) +
                " (the connection or the sender went away)",
            nullptr);
}

void ReadableCore::fail_here(const std::string& reason, const char* tell_event, bool integrity,
                             const std::string* told) {
  {
    using Failure = TransferStatus::Failure;
    std::lock_guard lock(status_.mutex());
    // Cancelling is final on both sides: the writer takes it as a stop.
    bool stop = stop_pending_ || (tell_event && std::string_view(tell_event) == kCancelEvent);
    if (!status_.fail(reason, integrity ? Failure::integrity
                              : stop    ? Failure::stop
                                        : Failure::error)) {
      return;
    }
    queue_.end();
  }
  status_.changed().notify_all();
  RTCENGINE_LOG(info, "transaction " << socket_->label() << " failed: " << reason);
  if (sink_) sink_->abandon(!integrity && !transfer_id_.empty());
  // `__integrity-failed` only to a writer that knows it; others get `cancel`.
  if (tell_event == kIntegrityFailedEvent && !writer_has_extension_) tell_event = kCancelEvent;
  if (tell_event) tell(*socket_, tell_event, told ? *told : reason);
  socket_->close();
}

std::optional<Bytes> ReadableCore::read(std::chrono::milliseconds timeout) {
  if (loop_.is_current()) throw UsageError("Readable::read() inside a handler would deadlock");
  {
    std::lock_guard lock(status_.mutex());
    if (!status_.started()) {
      status_.set_started(true);
      auto self = shared_from_this();
      loop_.post([self] {
        auto tell_full = [socket = self->socket_.get()] { tell(*socket, kBufferFullEvent); };
        self->choose_sink(queue_sink(self->queue_, tell_full), 0);
      });
    } else if (status_.current() != TransferState::failed && queue_.empty() && queue_.ended()) {
      return std::nullopt;
    }
  }
  std::unique_lock lock(status_.mutex());
  if (!status_.changed().wait_for(lock, timeout, [&] {
        return !queue_.empty() || queue_.ended() || status_.current() == TransferState::failed;
      })) {
    throw TimeoutError("no data arrived within the timeout");
  }
  if (!queue_.empty()) {
    Bytes chunk = queue_.pop();
    if (queue_.low()) {
      auto self = shared_from_this();
      loop_.post([self] {
        if (self->queue_.take_pull()) tell(*self->socket_, kPullEvent);
      });
    }
    return chunk;
  }
  status_.throw_if_failed();
  return std::nullopt;
}

void ReadableCore::pause() {
  if (status_.pause_here(true)) tell(*socket_, kPauseEvent);
}

void ReadableCore::resume() {
  if (status_.pause_here(false)) tell(*socket_, kResumeEvent);
}

void ReadableCore::stop(const std::string& reason) {
  auto self = shared_from_this();
  loop_.run_and_wait([self, reason] {
    self->stop_pending_ = true;
    self->fail_here("stopped here: " + reason, kCancelEvent, false, &reason);
    self->status_.stop_handlers();
  });
}

}  // namespace rtcengine::detail
