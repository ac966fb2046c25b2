#include "transaction/reader_sinks.hpp"

#include <string>
#include <utility>

#include "rtcengine/errors.hpp"
#include "transaction/transfer_events.hpp"

namespace rtcengine::detail {
namespace {

class CallbackSink final : public ReaderSink {
 public:
  explicit CallbackSink(ChunkHandler handler) : handler_(std::move(handler)) {}
  void write(std::span<const std::uint8_t> bytes) override {
    if (handler_) handler_(bytes);
  }

 private:
  ChunkHandler handler_;
};

class StreamSink final : public ReaderSink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}
  void write(std::span<const std::uint8_t> bytes) override {
    out_.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!out_) throw TransferError("the output stream refused the data");
  }
  void commit() override { out_.flush(); }

 private:
  std::ostream& out_;
};

class FileSink final : public ReaderSink {
 public:
  FileSink(std::shared_ptr<PartialFile> file, bool keep_partial)
      : file_(std::move(file)), keep_partial_(keep_partial) {}
  void write(std::span<const std::uint8_t> bytes) override {
    file_->append(bytes.data(), bytes.size());
  }
  void commit() override { file_->commit(); }
  void abandon(bool resumable) override {
    // A corrupt file is never kept; an interrupted one may be resumed.
    if (resumable && keep_partial_) {
      file_->keep();
    } else {
      file_->discard();
    }
  }

 private:
  std::shared_ptr<PartialFile> file_;
  bool keep_partial_;
};

class QueueSink final : public ReaderSink {
 public:
  QueueSink(ReadQueue& queue, std::function<void()> tell_full)
      : queue_(queue), tell_full_(std::move(tell_full)) {}
  void write(std::span<const std::uint8_t> bytes) override {
    if (queue_.push(bytes)) tell_full_();
  }

 private:
  ReadQueue& queue_;
  std::function<void()> tell_full_;
};

}  // namespace

std::unique_ptr<ReaderSink> callback_sink(ChunkHandler handler) {
  return std::make_unique<CallbackSink>(std::move(handler));
}

std::unique_ptr<ReaderSink> stream_sink(std::ostream& out) {
  return std::make_unique<StreamSink>(out);
}

std::unique_ptr<ReaderSink> file_sink(std::shared_ptr<PartialFile> file, bool keep_partial) {
  return std::make_unique<FileSink>(std::move(file), keep_partial);
}

std::unique_ptr<ReaderSink> queue_sink(ReadQueue& queue, std::function<void()> tell_full) {
  return std::make_unique<QueueSink>(queue, std::move(tell_full));
}

bool ReadQueue::push(std::span<const std::uint8_t> bytes) {
  bool full;
  {
    std::lock_guard lock(mutex_);
    if (bytes_ + bytes.size() > kReaderQueueHardLimit) {
      throw ProtocolError("the writer kept sending after this side said its queue was full (" +
                          std::to_string(bytes_ >> 20) + " MiB unread)");
    }
    bytes_ += bytes.size();
    chunks_.emplace_back(bytes.begin(), bytes.end());
    full = bytes_ > kReaderQueueLimit;
  }
  changed_.notify_all();
  if (!full || told_full_) return false;
  told_full_ = true;
  return true;
}

bool ReadQueue::take_pull() {
  if (!told_full_) return false;
  told_full_ = false;
  return true;
}

Bytes ReadQueue::pop() {
  Bytes chunk = std::move(chunks_.front());
  chunks_.pop_front();
  bytes_ -= chunk.size();
  return chunk;
}

bool ReadQueue::low() const { return bytes_ <= kReaderQueueLimit / 2; }

}  // namespace rtcengine::detail
