// Transactions between two real engines: content arrives whole and
// verified, control works from either side, failures are errors on both
// sides, and an interrupted file transfer resumes where it stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/temp_dir.hpp"
#include "support/test_data.hpp"
#include "support/wait.hpp"
#include "transaction/corruption_hook.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kChunk = 200 * 1024;

struct Transfer {
  WritablePtr writer;
  ReadablePtr reader;
};

Transfer open_transfer(const EnginePair& pair, const std::string& label, Json metadata,
                       TransferOptions options = {}) {
  auto writer = pair.a->writable(label, std::move(metadata), options);
  auto reader = pair.b->readable(label, options);
  EXPECT_EQ(writer.wait_for(10s), std::future_status::ready) << label;
  EXPECT_EQ(reader.wait_for(10s), std::future_status::ready) << label;
  return {writer.get(), reader.get()};
}

Json file_metadata(const std::string& name, std::size_t size) {
  return {{"name", name}, {"size", size}};
}

}  // namespace

TEST(Transaction, FilesOfEdgeSizesArriveByteIdenticalAndVerified) {
  auto pair = EnginePair::create();
  TempDir dir;
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kChunk, kChunk + 1, 3 * kChunk + 17}) {
    SCOPED_TRACE("size " + std::to_string(size));
    auto content = test_bytes(size, static_cast<unsigned>(size));
    auto source = dir / ("in-" + std::to_string(size));
    auto target = dir / ("out-" + std::to_string(size));
    write_file(source, content);
    auto [writer, reader] =
        open_transfer(pair, "file-" + std::to_string(size), file_metadata("x", size));
    ASSERT_EQ(reader->size(), size);
    reader->save_to(target);
    writer->send_file(source);
    EXPECT_TRUE(writer->wait(20s));
    EXPECT_TRUE(reader->wait(20s));
    EXPECT_EQ(read_file(target), content);
    EXPECT_EQ(writer->state(), TransferState::done);
    EXPECT_EQ(reader->progress().bytes, size);
    EXPECT_FALSE(std::filesystem::exists(dir / ".out-" / ".rtcengine-part"));
  }
}

TEST(Transaction, StreamOfUnknownSizeEndsWithTheWritersClose) {
  auto pair = EnginePair::create();
  auto content = test_bytes(1'000'000);
  auto [writer, reader] = open_transfer(pair, "stream", Json{{"name", "live"}});
  std::ostringstream out;
  reader->pipe_to(out);
  std::istringstream in(std::string(content.begin(), content.end()));
  writer->send_stream(in);
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_TRUE(writer->wait(20s));
  EXPECT_EQ(out.str(), std::string(content.begin(), content.end()));
}

TEST(Transaction, UnnegotiatedTransactionReachesThePeersReadables) {
  auto pair = EnginePair::create();
  auto content = test_bytes(300'000);
  auto writer_future = pair.a->writable(file_metadata("gift.bin", content.size()));
  auto reader = pair.b->next_readable(10s);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(writer_future.wait_for(10s), std::future_status::ready);
  auto writer = writer_future.get();
  EXPECT_EQ(reader->name(), "gift.bin");
  std::vector<std::uint8_t> received;
  reader->on_data([&](std::span<const std::uint8_t> chunk) {
    received.insert(received.end(), chunk.begin(), chunk.end());
  });
  writer->write(content);
  writer->end();
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_EQ(received, content);
}

TEST(Transaction, PullReaderKeepsTheWriterBoundedAndGetsEverything) {
  auto pair = EnginePair::create();
  constexpr std::size_t kSize = 40 * 1024 * 1024;
  auto content = test_bytes(kSize);
  auto [writer, reader] = open_transfer(pair, "pull", file_metadata("big", kSize));
  std::thread sender([&, writer = writer] {
    writer->write(content);
    writer->end();
  });
  std::size_t consumed = 0;
  std::size_t worst_gap = 0;
  bool same = true;
  while (auto chunk = reader->read(20s)) {
    same = same && std::equal(chunk->begin(), chunk->end(), content.begin() + consumed);
    consumed += chunk->size();
    // A slow consumer: the writer must wait instead of piling data up.
    if (consumed < kSize / 2) std::this_thread::sleep_for(2ms);
    worst_gap = std::max<std::size_t>(worst_gap, writer->bytes_sent() - consumed);
  }
  sender.join();
  EXPECT_EQ(consumed, kSize);
  EXPECT_TRUE(same);
  // Reader queue (10 MiB) + socket buffer (8 MiB) + chunks in flight.
  EXPECT_LT(worst_gap, 24u * 1024 * 1024) << "the writer ran ahead of a slow reader";
  EXPECT_TRUE(writer->wait(10s));
}

TEST(Transaction, PauseAndResumeFromEitherSideAreSeenByTheOther) {
  auto pair = EnginePair::create();
  auto content = test_bytes(4 * kChunk);
  auto [writer, reader] = open_transfer(pair, "pausing", file_metadata("p", content.size()));
  std::vector<std::uint8_t> received;
  std::mutex mutex;
  reader->on_data([&](std::span<const std::uint8_t> chunk) {
    std::lock_guard lock(mutex);
    received.insert(received.end(), chunk.begin(), chunk.end());
  });
  ASSERT_TRUE(writer->wait_ready(10s).has_value());

  writer->pause();
  EXPECT_TRUE(wait_until([&] { return reader->state() == TransferState::paused; }));
  writer->resume();
  EXPECT_TRUE(wait_until([&] { return reader->state() == TransferState::running; }));

  reader->pause();
  EXPECT_TRUE(wait_until([&] { return writer->state() == TransferState::paused; }));
  std::thread sender([&, writer = writer] {
    writer->write(content);
    writer->end();
  });
  std::this_thread::sleep_for(300ms);
  {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(received.empty()) << "data flowed while the reader had paused";
  }
  reader->resume();
  sender.join();
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_EQ(received, content);
}

TEST(Transaction, WriterStopFailsTheReaderWithTheReason) {
  auto pair = EnginePair::create();
  auto [writer, reader] = open_transfer(pair, "abort", file_metadata("a", 10 * kChunk));
  reader->on_data([](std::span<const std::uint8_t>) {});
  writer->write(test_bytes(kChunk));
  writer->stop("the user pressed Ctrl-C");
  EXPECT_THROW(writer->write(test_bytes(10)), TransferError);
  try {
    reader->wait(10s);
    FAIL() << "the reader finished a stopped transfer";
  } catch (const TransferError& error) {
    EXPECT_NE(std::string(error.what()).find("the user pressed Ctrl-C"), std::string::npos)
        << error.what();
  }
}

TEST(Transaction, ReaderStopFailsTheWriterWithTheReason) {
  auto pair = EnginePair::create();
  auto [writer, reader] = open_transfer(pair, "cancel", file_metadata("c", 50 * kChunk));
  reader->on_data([](std::span<const std::uint8_t>) {});
  ASSERT_TRUE(writer->wait_ready(10s).has_value());
  reader->stop("no room for it");
  auto content = test_bytes(50 * kChunk);
  try {
    writer->write(content);
    writer->wait(10s);
    FAIL() << "the writer finished a cancelled transfer";
  } catch (const TransferError& error) {
    EXPECT_NE(std::string(error.what()).find("no room for it"), std::string::npos) << error.what();
  }
  EXPECT_EQ(reader->state(), TransferState::failed);
}

TEST(Transaction, LostConnectionIsAnErrorOnBothSidesNeverASuccess) {
  auto pair = EnginePair::create();
  auto [writer, reader] = open_transfer(pair, "lost", file_metadata("l", 20 * kChunk));
  reader->on_data([](std::span<const std::uint8_t>) {});
  writer->write(test_bytes(2 * kChunk));
  pair.b->close();
  EXPECT_THROW(reader->wait(10s), TransferError);
  EXPECT_THROW(
      {
        writer->write(test_bytes(18 * kChunk));
        writer->end();
        writer->wait(10s);
      },
      TransferError);
}

TEST(Transaction, CorruptedChunkIsDetectedAndNoFileIsLeft) {
  auto pair = EnginePair::create();
  TempDir dir;
  auto content = test_bytes(5 * kChunk);
  detail::set_corruption_offset_for_tests(3 * kChunk + 5);
  auto [writer, reader] = open_transfer(pair, "corrupt", file_metadata("c", content.size()));
  detail::set_corruption_offset_for_tests(std::nullopt);
  reader->save_to(dir / "c");
  writer->write(content);
  writer->end();
  EXPECT_THROW(reader->wait(10s), IntegrityError);
  EXPECT_THROW(writer->wait(10s), IntegrityError);
  EXPECT_FALSE(std::filesystem::exists(dir / "c"));
  EXPECT_FALSE(std::filesystem::exists(dir / ".c.rtcengine-part"));
}

TEST(Transaction, InterruptedFileTransferResumesWhereTheReaderStopped) {
  auto pair = EnginePair::create();
  TempDir dir;
  auto content = test_bytes(20 * kChunk + 3);
  auto metadata = file_metadata("r.bin", content.size());
  {
    auto [writer, reader] = open_transfer(pair, "resume-1", metadata);
    reader->save_to(dir / "r.bin");
    writer->write(std::span(content).first(8 * kChunk));
    EXPECT_TRUE(wait_until([&] { return reader->progress().bytes == 8 * kChunk; }));
    writer->stop("connection lost (simulated)");
    EXPECT_THROW(reader->wait(10s), TransferError);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "r.bin"));
  EXPECT_EQ(std::filesystem::file_size(dir / ".r.bin.rtcengine-part"), 8 * kChunk);

  auto [writer, reader] = open_transfer(pair, "resume-2", metadata);
  reader->save_to(dir / "r.bin");
  EXPECT_EQ(writer->wait_ready(10s), 8 * kChunk);
  writer->write(content);  // always from the start; the known part is only hashed
  writer->end();
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_TRUE(writer->wait(20s));
  EXPECT_EQ(read_file(dir / "r.bin"), content);
  EXPECT_EQ(reader->progress().resumed_from, 8 * kChunk);
  EXPECT_FALSE(std::filesystem::exists(dir / ".r.bin.rtcengine-part"));
}

TEST(Transaction, ExistingFileIsNotOverwrittenUnlessAsked) {
  auto pair = EnginePair::create();
  TempDir dir;
  write_file(dir / "keep", test_bytes(10));
  auto [writer, reader] = open_transfer(pair, "exists", file_metadata("keep", 5));
  EXPECT_THROW(reader->save_to(dir / "keep"), TransferError);
  reader->save_to(dir / "keep", SaveOptions{.overwrite = true});
  writer->write(test_bytes(5, 99));
  writer->end();
  EXPECT_TRUE(reader->wait(10s));
  EXPECT_EQ(read_file(dir / "keep"), test_bytes(5, 99));
}

TEST(Transaction, ProgressReportsConfirmedBytesSpeedAndEta) {
  auto pair = EnginePair::create();
  constexpr std::size_t kSize = 30 * 1024 * 1024;
  TransferOptions options;
  options.progress_interval = 100ms;
  auto [writer, reader] = open_transfer(pair, "progress", file_metadata("p", kSize), options);
  std::mutex mutex;
  std::vector<TransferProgress> reports;
  writer->on_progress([&](const TransferProgress& progress) {
    std::lock_guard lock(mutex);
    reports.push_back(progress);
  });
  std::atomic<std::uint64_t> read_so_far{0};
  reader->on_data([&](std::span<const std::uint8_t> chunk) { read_so_far += chunk.size(); });
  auto content = test_bytes(kSize);
  for (std::size_t at = 0; at < kSize; at += kChunk) {
    writer->write(std::span(content).subspan(at, std::min(kChunk, kSize - at)));
    // Confirmed means the reader has it: never ahead of what it got.
    EXPECT_LE(writer->progress().bytes, read_so_far.load());
  }
  writer->end();
  ASSERT_TRUE(writer->wait(30s));
  std::lock_guard lock(mutex);
  ASSERT_GE(reports.size(), 2u);
  bool saw_speed = false;
  for (const auto& progress : reports) {
    ASSERT_TRUE(progress.total.has_value());
    EXPECT_EQ(*progress.total, kSize);
    if (progress.bytes_per_second > 0 && progress.bytes < kSize) {
      saw_speed = true;
      EXPECT_TRUE(progress.eta_seconds.has_value());
      EXPECT_FALSE(progress.speed_text().empty());
    }
  }
  EXPECT_TRUE(saw_speed);
  EXPECT_EQ(writer->progress().bytes, kSize);
}

namespace {

constexpr std::size_t kReadBlockForTests = 1 << 20;  // send_file() reads this much at a time

// Sends `source` with the reader paused, so the writer waits inside
// send_file(); `change` alters the file then, and the reader resumes.
void send_while_changing(const std::string& label,
                         const std::function<void(const std::filesystem::path&)>& change) {
  auto pair = EnginePair::create();
  TempDir dir;
  auto source = dir / "source.bin";
  write_file(source, test_bytes(6 * kReadBlockForTests));
  auto [writer, reader] =
      open_transfer(pair, label, file_metadata("s.bin", 6 * kReadBlockForTests));
  reader->pause();
  reader->save_to(dir / "s.bin");
  std::exception_ptr sent;
  std::thread sender([&, writer = writer] {
    try {
      writer->send_file(source);
    } catch (...) {
      sent = std::current_exception();
    }
  });
  EXPECT_TRUE(wait_until([&] { return writer->state() == TransferState::paused; }));
  change(source);
  reader->resume();
  sender.join();
  try {
    if (sent) std::rethrow_exception(sent);
    FAIL() << "send_file() sent a file that changed";
  } catch (const TransferStoppedError& error) {
    EXPECT_NE(std::string(error.what()).find("changed while being sent"), std::string::npos)
        << error.what();
  }
  try {
    reader->wait(20s);
    FAIL() << "the reader finished a file that changed";
  } catch (const TransferStoppedError& error) {
    EXPECT_NE(std::string(error.what()).find("\"s.bin\" changed while being sent"),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "s.bin"));
}

}  // namespace

// Issue 11: growing used to be a UsageError from write() (terminate() in
// the CLI); shrinking a plain TransferError, taken for a lost connection.
TEST(Transaction, FileThatGrowsWhileSentStopsBothSides) {
  send_while_changing("grows", [](const std::filesystem::path& source) {
    std::ofstream(source, std::ios::binary | std::ios::app) << std::string(1000, 'g');
  });
}

TEST(Transaction, FileThatShrinksWhileSentStopsBothSides) {
  send_while_changing("shrinks", [](const std::filesystem::path& source) {
    std::filesystem::resize_file(source, 2 * kReadBlockForTests + 7);
  });
}

// A local failure of the reader (here the final name taken meanwhile) is
// final on both sides, keeps the verified part file, and a later run of
// the same transfer only renames it.
TEST(Transaction, FinalNameTakenMeanwhileStopsBothSidesAndThePartResumes) {
  auto pair = EnginePair::create();
  TempDir dir;
  auto content = test_bytes(3 * kChunk + 11);
  auto metadata = file_metadata("t.bin", content.size());
  {
    auto [writer, reader] = open_transfer(pair, "taken-1", metadata);
    reader->save_to(dir / "t.bin");
    write_file(dir / "t.bin", test_bytes(5, 9));  // after save_to checked the name
    writer->write(content);
    writer->end();
    try {
      reader->wait(20s);
      FAIL() << "the reader replaced a file it must keep";
    } catch (const TransferStoppedError& error) {
      std::string text = error.what();
      EXPECT_NE(text.find("its final name: File exists"), std::string::npos) << text;
      EXPECT_NE(text.find("are kept in \"" + (dir / ".t.bin.rtcengine-part").string()),
                std::string::npos)
          << text;
    }
    EXPECT_THROW(writer->wait(20s), TransferStoppedError);
  }
  EXPECT_EQ(read_file(dir / "t.bin"), test_bytes(5, 9));
  EXPECT_EQ(std::filesystem::file_size(dir / ".t.bin.rtcengine-part"), content.size());

  std::filesystem::remove(dir / "t.bin");
  auto [writer, reader] = open_transfer(pair, "taken-2", metadata);
  reader->save_to(dir / "t.bin");
  EXPECT_EQ(writer->wait_ready(10s), content.size());
  writer->write(content);
  writer->end();
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_EQ(read_file(dir / "t.bin"), content);
}

// Strings that are not UTF-8 cannot be JSON: a clear UsageError on the
// caller's thread, never an exception on the engine's (which terminated).
TEST(Transaction, MetadataOrValuesThatAreNotUtf8AreRefusedAtTheCallSite) {
  auto pair = EnginePair::create();
  EXPECT_THROW((void)pair.a->writable(Json{{"name", "caf\xE9.txt"}}), UsageError);
  EXPECT_THROW((void)pair.a->writable("latin1", Json{{"name", "caf\xE9.txt"}}), UsageError);
  auto [left, right] = pair.open_socket("utf8");
  try {
    left->write(Json{{"text", "caf\xE9"}});
    FAIL() << "a value that is not UTF-8 was sent";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("not valid UTF-8"), std::string::npos) << error.what();
  }
  EXPECT_THROW(left->write_event("note", "caf\xE9"), UsageError);
  // The engines are unharmed: a valid value still arrives.
  std::promise<std::string> arrived;
  right->on_data([&](const Message& message) { arrived.set_value(message.text()); });
  left->write("café");
  auto future = arrived.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), "café");
}

namespace {

// Each call that takes TransferOptions refuses `options` on the caller's
// thread with an InvalidOptionError that says "<field>: <value>".
void expect_refused(const EnginePair& pair, const TransferOptions& options,
                    const std::string& field, const std::string& value) {
  auto expect_names = [&](const std::function<void()>& call, const char* what) {
    SCOPED_TRACE(what);
    try {
      call();
      ADD_FAILURE() << "accepted " << field << " " << value;
    } catch (const InvalidOptionError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find(field + ": " + value + " "), std::string::npos) << message;
    }
  };
  expect_names([&] { (void)pair.a->writable("refused", file_metadata("r", 10), options); },
               "writable(label)");
  expect_names([&] { (void)pair.a->writable(file_metadata("r", 10), options); },
               "writable(unnegotiated)");
  expect_names([&] { (void)pair.b->readable("refused", options); }, "readable(label)");
}

}  // namespace

// Issue 16: chunk_size 0 made write() loop forever without sending.
TEST(Transaction, ChunkSizeZeroIsRefusedAtTheCallInsteadOfSpinning) {
  auto pair = EnginePair::create();
  expect_refused(pair, TransferOptions{.chunk_size = 0}, "chunk_size", "0");
}

TEST(Transaction, ChunkSizeOverTheMessageLimitIsRefusedAtTheCall) {
  auto pair = EnginePair::create();
  auto too_large = Socket::kMaxMessageSize + 1;
  expect_refused(pair, TransferOptions{.chunk_size = too_large}, "chunk_size",
                 std::to_string(too_large));
  // The limits themselves are fine.
  EXPECT_NO_THROW(TransferOptions{.chunk_size = 1}.validate());
  EXPECT_NO_THROW(TransferOptions{.chunk_size = Socket::kMaxMessageSize}.validate());
}

TEST(Transaction, ProgressIntervalThatIsNotPositiveIsRefusedAtTheCall) {
  auto pair = EnginePair::create();
  expect_refused(pair, TransferOptions{.progress_interval = 0ms}, "progress_interval", "0");
  expect_refused(pair, TransferOptions{.progress_interval = -5ms}, "progress_interval", "-5");
  EXPECT_NO_THROW(TransferOptions{}.validate());
}

// A refused call leaves the engines as they were: a valid transfer works.
TEST(Transaction, RefusedOptionsLeaveTheEnginesUsable) {
  auto pair = EnginePair::create();
  EXPECT_THROW((void)pair.a->writable("bad", Json::object(), {.chunk_size = 0}),
               InvalidOptionError);
  auto content = test_bytes(3000);
  auto [writer, reader] =
      open_transfer(pair, "after-bad", file_metadata("ok", content.size()), {.chunk_size = 1000});
  std::ostringstream out;
  reader->pipe_to(out);
  writer->write(content);
  writer->end();
  EXPECT_TRUE(reader->wait(20s));
  EXPECT_EQ(out.str(), std::string(content.begin(), content.end()));
}
