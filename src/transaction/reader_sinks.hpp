// Where a Readable's bytes go: the one sink the user chose (a callback, a
// stream, a partial file that becomes the final file, or the bounded queue
// read() pulls from). The reader's core hands each sink the chunks on the
// engine's thread, in order, after hashing them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <span>

#include "rtcengine/message.hpp"
#include "transaction/partial_file.hpp"

namespace rtcengine::detail {

using ChunkHandler = std::function<void(std::span<const std::uint8_t>)>;

class ReaderSink {
 public:
  virtual ~ReaderSink() = default;
  // Engine's thread: the next chunk. Throws on a local failure, which
  // cancels the transfer.
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
  // Engine's thread: every byte arrived and the digest matched. Throws.
  virtual void commit() {}
  // Engine's thread: the transfer failed; `resumable` when a later
  // transfer of the same content may continue from what arrived.
  virtual void abandon(bool /*resumable*/) {}
};

// Calls `handler` with each chunk (a null handler drops them).
std::unique_ptr<ReaderSink> callback_sink(ChunkHandler handler);
// Writes to `out`, which must outlive the transfer; flushes at the end.
std::unique_ptr<ReaderSink> stream_sink(std::ostream& out);
// Appends to the part file, renames it to its final name at the end, and
// keeps it for a resume (when `keep_partial`) or removes it on failure.
std::unique_ptr<ReaderSink> file_sink(std::shared_ptr<PartialFile> file, bool keep_partial);

// The chunks read() has not taken yet. Bounded the rtc-engine way: past
// kReaderQueueLimit the writer is told to wait (buffer-full) and, once half
// of it was read, to go on (pull); a writer that goes on regardless fails
// the transfer at kReaderQueueHardLimit. Guarded by the transfer's mutex.
class ReadQueue {
 public:
  ReadQueue(std::mutex& mutex, std::condition_variable& changed)
      : mutex_(mutex), changed_(changed) {}

  // Engine's thread, takes the mutex: queues a copy. Throws ProtocolError
  // past the hard limit; true when the queue just became full, so the
  // writer is to be told.
  bool push(std::span<const std::uint8_t> bytes);
  // Engine's thread: true once after push() said full, when read() took
  // the queue down to half, so the writer is to be told it may go on.
  bool take_pull();

  // These need the mutex.
  bool empty() const { return chunks_.empty(); }
  // No chunk will come any more (done or failed).
  bool ended() const { return ended_; }
  void end() { ended_ = true; }
  // The oldest chunk; the queue must not be empty.
  Bytes pop();
  // At most half full: a writer told to wait may go on.
  bool low() const;

 private:
  std::mutex& mutex_;
  std::condition_variable& changed_;
  std::deque<Bytes> chunks_;
  std::size_t bytes_ = 0;
  bool ended_ = false;
  bool told_full_ = false;  // engine's thread only
};

// Queues each chunk for read(); calls `tell_full` when the queue fills up.
std::unique_ptr<ReaderSink> queue_sink(ReadQueue& queue, std::function<void()> tell_full);

}  // namespace rtcengine::detail
