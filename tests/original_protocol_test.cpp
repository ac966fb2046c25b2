// A peer that speaks only rtc-engine 1.0.0-beta.2's protocol, as a browser
// running the original does: an engine with protocol_extensions off (no
// close handshake, no digest, no confirmations), and sometimes a plain
// socket playing a transaction by hand. What it sees and what it is sent
// must be what the original would see and send.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/test_data.hpp"
#include "support/wait.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

EngineOptions original_options() {
  auto options = loopback_options();
  options.protocol_extensions = false;
  return options;
}

// Every frame a socket receives, in order: data, or "event:<name>".
struct Recorder : std::enable_shared_from_this<Recorder> {
  std::mutex mutex;
  std::vector<Message> data;
  std::vector<std::pair<std::string, Json>> events;
  std::size_t bytes = 0;
  bool closed = false;

  void attach(Socket& socket, const std::vector<std::string>& names) {
    auto self = shared_from_this();
    socket.on_data([self](const Message& message) {
      std::lock_guard lock(self->mutex);
      self->bytes += message.is_binary() ? message.bytes().size() : 0;
      self->data.push_back(message);
    });
    for (const auto& name : names) {
      socket.on_event(name, [self, name](const Json& payload) {
        std::lock_guard lock(self->mutex);
        self->events.emplace_back(name, payload);
      });
    }
    socket.on_close([self] {
      std::lock_guard lock(self->mutex);
      self->closed = true;
    });
  }
  bool is_closed() {
    std::lock_guard lock(mutex);
    return closed;
  }
  std::size_t byte_count() {
    std::lock_guard lock(mutex);
    return bytes;
  }
  std::vector<std::string> event_names() {
    std::lock_guard lock(mutex);
    std::vector<std::string> names;
    for (const auto& [name, payload] : events) names.push_back(name);
    return names;
  }
};

// Every event name either side of the protocol may send, ours included.
const std::vector<std::string> kAllEvents = {"metadata",
                                             "__transaction-ready",
                                             "pause",
                                             "resume",
                                             "buffer-full",
                                             "pull",
                                             "abort",
                                             "cancel",
                                             "__transfer",
                                             "__digest",
                                             "__ack",
                                             "__verified",
                                             "__integrity-failed",
                                             "__close",
                                             "__features"};

// 15 messages of 200 KiB and a short tail, then close() at once: more than
// SCTP's queue holds, which a stream reset would drop.
void write_then_close(Socket& socket) {
  auto chunk = test_bytes(200 * 1024);
  for (int i = 0; i < 15; ++i) {
    chunk[0] = static_cast<std::uint8_t>(i);
    socket.write_binary(chunk);
  }
  socket.write("tail");
  socket.close();
}

void expect_everything(Recorder& at) {
  ASSERT_TRUE(wait_until([&] { return at.is_closed(); }, 30s));
  std::lock_guard lock(at.mutex);
  ASSERT_EQ(at.data.size(), 16u);
  for (int i = 0; i < 15; ++i) {
    ASSERT_TRUE(at.data[i].is_binary());
    EXPECT_EQ(at.data[i].bytes().size(), 200u * 1024);
    EXPECT_EQ(at.data[i].bytes()[0], static_cast<std::uint8_t>(i));
  }
  EXPECT_EQ(at.data[15].json(), "tail");
}

}  // namespace

TEST(OriginalProtocol, CloseRightAfterLargeWritesDeliversEverythingBothWays) {
  auto pair = EnginePair::create(loopback_options(), original_options());
  {
    auto [ours, theirs] = pair.open_socket("to-original");
    auto at_theirs = std::make_shared<Recorder>();
    at_theirs->attach(*theirs, {});
    write_then_close(*ours);
    expect_everything(*at_theirs);
  }
  {
    auto [ours, theirs] = pair.open_socket("from-original");
    auto at_ours = std::make_shared<Recorder>();
    at_ours->attach(*ours, {});
    write_then_close(*theirs);
    expect_everything(*at_ours);
  }
}

TEST(OriginalProtocol, EngineCloseWithDataInFlightDeliversEveryByteFirst) {
  auto pair = EnginePair::create(loopback_options(), original_options());
  auto [ours, theirs] = pair.open_socket("last-words");
  auto at_theirs = std::make_shared<Recorder>();
  at_theirs->attach(*theirs, {});
  auto chunk = test_bytes(200 * 1024);
  for (int i = 0; i < 25; ++i) ours->write_binary(chunk);
  pair.a->close();
  ASSERT_TRUE(pair.b->wait_for(ConnectionState::closed, 30s));
  EXPECT_EQ(at_theirs->byte_count(), 25u * 200 * 1024);
}

TEST(OriginalProtocol, WriterStopReachesTheReaderWithItsReason) {
  auto pair = EnginePair::create(loopback_options(), original_options());
  auto writer = pair.a->writable("stopped", {{"name", "x"}, {"size", 10'000'000}});
  auto reader = pair.b->readable("stopped");
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready);
  auto readable = reader.get();
  std::vector<std::uint8_t> sink;
  readable->on_data([](std::span<const std::uint8_t>) {});
  auto writable = writer.get();
  writable->write(test_bytes(1'000'000));
  writable->stop("the user changed their mind");
  try {
    readable->wait(10s);
    FAIL() << "the reader finished although the writer stopped";
  } catch (const TransferStoppedError& error) {
    EXPECT_NE(std::string(error.what()).find("the user changed their mind"), std::string::npos)
        << error.what();
  }
}

// The reader is a plain socket playing rtc-engine's reader, which after
// `cancel` leaves closing to the writer.
TEST(OriginalProtocol, ReaderCancelMakesTheWriterCloseTheSocket) {
  auto pair = EnginePair::create(loopback_options(), original_options());
  auto writer = pair.a->writable("cancelled", {{"name", "x"}, {"size", 50'000'000}});
  auto raw = pair.b->socket("cancelled");
  ASSERT_EQ(raw.wait_for(10s), std::future_status::ready);
  auto socket = raw.get();
  auto seen = std::make_shared<Recorder>();
  seen->attach(*socket, kAllEvents);
  ASSERT_TRUE(wait_until([&] { return !seen->event_names().empty(); }));
  socket->write_event("__transaction-ready");
  ASSERT_EQ(writer.wait_for(10s), std::future_status::ready);
  auto writable = writer.get();
  std::thread sending([&] {
    try {
      auto chunk = test_bytes(1'000'000);
      for (int i = 0; i < 50; ++i) writable->write(chunk);
    } catch (const TransferError&) {}
  });
  ASSERT_TRUE(wait_until([&] { return seen->byte_count() > 0; }));
  socket->write_event("cancel", "not wanted");
  EXPECT_TRUE(wait_until([&] { return seen->is_closed(); }, 10s))
      << "the writer did not close the socket after the reader's cancel";
  EXPECT_THROW(writable->wait(10s), TransferStoppedError);
  sending.join();
}

// Our writer and reader against rtc-engine's: the user's metadata arrives
// exactly as written, no extension event is sent, and both ends finish.
TEST(OriginalProtocol, TransactionsSendNothingTheOriginalDoesNotKnow) {
  auto pair = EnginePair::create(loopback_options(), original_options());
  const Json metadata = {{"name", "report.pdf"}, {"size", 300'000}, {"note", {{"k", 1}}}};
  auto writer = pair.a->writable("plain", metadata);
  auto raw = pair.b->socket("plain");
  ASSERT_EQ(raw.wait_for(10s), std::future_status::ready);
  auto socket = raw.get();
  auto seen = std::make_shared<Recorder>();
  seen->attach(*socket, kAllEvents);
  ASSERT_TRUE(wait_until([&] { return !seen->event_names().empty(); }));
  socket->write_event("__transaction-ready");
  auto writable = writer.get();
  writable->write(test_bytes(300'000));
  writable->end();
  ASSERT_TRUE(wait_until([&] { return seen->byte_count() == 300'000; }));
  socket->close();  // as rtc-engine's reader does once it counted `size` bytes
  EXPECT_TRUE(writable->wait(10s));
  std::lock_guard lock(seen->mutex);
  ASSERT_EQ(seen->events.size(), 1u) << "events: " << seen->events.size();
  EXPECT_EQ(seen->events[0].first, "metadata");
  EXPECT_EQ(seen->events[0].second, metadata);

  // And the other way: our reader answers the original's writer without a
  // payload and sends no confirmation it would not know.
  auto reader = pair.a->readable("plain-back");
  auto raw_back = pair.b->socket("plain-back");
  ASSERT_EQ(raw_back.wait_for(10s), std::future_status::ready);
  auto back = raw_back.get();
  auto heard = std::make_shared<Recorder>();
  heard->attach(*back, kAllEvents);
  back->write_event("metadata", metadata);
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready);
  auto readable = reader.get();
  EXPECT_EQ(readable->metadata(), metadata);
  std::size_t got = 0;
  readable->on_data([&got](std::span<const std::uint8_t> chunk) { got += chunk.size(); });
  ASSERT_TRUE(wait_until([&] { return !heard->event_names().empty(); }));
  back->write_binary(test_bytes(300'000).data(), 200 * 1024);
  back->write_binary(test_bytes(300'000 - 200 * 1024).data(), 300'000 - 200 * 1024);
  EXPECT_TRUE(readable->wait(10s));
  EXPECT_TRUE(wait_until([&] { return heard->is_closed(); }));
  std::lock_guard heard_lock(heard->mutex);
  ASSERT_EQ(heard->events.size(), 1u);
  EXPECT_EQ(heard->events[0].first, "__transaction-ready");
  EXPECT_TRUE(heard->events[0].second.is_null());
}

TEST(OriginalProtocol, ExtensionsStillWorkBetweenTwoRtcEngines) {
  auto pair = EnginePair::create();
  const Json metadata = {{"name", "x"}, {"size", 1'000'000}};
  auto writer = pair.a->writable("ours", metadata);
  auto reader = pair.b->readable("ours");
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready);
  auto readable = reader.get();
  EXPECT_EQ(readable->metadata(), metadata) << "the user's metadata must arrive unchanged";
  std::size_t got = 0;
  readable->on_data([&got](std::span<const std::uint8_t> chunk) { got += chunk.size(); });
  auto writable = writer.get();
  writable->write(test_bytes(1'000'000));
  writable->end();
  EXPECT_TRUE(readable->wait(10s));
  EXPECT_TRUE(writable->wait(10s));
  // Confirmed by the reader (`__verified`), not guessed from the socket.
  EXPECT_EQ(writable->progress().bytes, 1'000'000u);
}

TEST(OriginalProtocol, PeerFloodingChannelsIsBoundedAndOtherSocketsKeepWorking) {
  auto pair = EnginePair::create();
  ASSERT_TRUE(pair.wait_connected());
  std::vector<std::future<SocketPtr>> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(pair.b->socket());  // nobody takes them at a
  auto errors = std::make_shared<std::atomic<int>>(0);
  pair.a->on_error([errors](const Error&) { ++*errors; });
  auto [x, y] = pair.open_socket("still-here");
  auto at_y = std::make_shared<Recorder>();
  at_y->attach(*y, {});
  x->write("hello");
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(at_y->mutex);
    return at_y->data.size() == 1;
  }));
  int opened = 0, refused = 0;
  for (auto& socket : flood) {
    ASSERT_EQ(socket.wait_for(60s), std::future_status::ready);
    try {
      socket.get();
      ++opened;
    } catch (const Error&) {
      ++refused;
    }
  }
  // Waiting at a: 256 at most; the rest were closed, tried again, refused.
  EXPECT_LE(opened, 256);
  EXPECT_GE(refused, 300 - 256);
  EXPECT_GT(errors->load(), 0);
  x->write("still");
  EXPECT_TRUE(wait_until([&] {
    std::lock_guard lock(at_y->mutex);
    return at_y->data.size() == 2;
  }));
}

// Negotiated labels nobody asked for fill the waiting list; a socket() call
// made afterwards still gets its channel.
TEST(OriginalProtocol, WaitingChannelsDoNotCrowdOutOneThatIsAskedFor) {
  auto impolite = loopback_options(), polite = loopback_options();
  impolite.role = Role::impolite;
  polite.role = Role::polite;
  auto pair = EnginePair::create(impolite, polite);
  ASSERT_TRUE(pair.wait_connected());
  auto refused = std::make_shared<std::atomic<int>>(0);
  pair.a->on_error([refused](const Error&) { ++*refused; });
  std::vector<std::future<SocketPtr>> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(pair.b->socket("flood-" + std::to_string(i)));
  ASSERT_TRUE(wait_until([&] { return refused->load() >= 300 - 256; }, 30s));
  auto [x, y] = pair.open_socket("asked-for");
  auto at_y = std::make_shared<Recorder>();
  at_y->attach(*y, {});
  x->write("here");
  EXPECT_TRUE(wait_until([&] {
    std::lock_guard lock(at_y->mutex);
    return at_y->data.size() == 1;
  }));
  // And one the peer opens first, asked for here only once it waits (as a
  // browser that flooded, then called socket()): it makes room for itself.
  int before = refused->load();
  auto late_at_b = pair.b->socket("asked-late");
  ASSERT_TRUE(wait_until([&] { return refused->load() > before; }, 10s));
  auto late_at_a = pair.a->socket("asked-late");
  ASSERT_EQ(late_at_a.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(late_at_b.wait_for(10s), std::future_status::ready);
  auto late_a = late_at_a.get();
  auto at_late_a = std::make_shared<Recorder>();
  at_late_a->attach(*late_a, {});
  late_at_b.get()->write("after the flood");
  EXPECT_TRUE(wait_until([&] {
    std::lock_guard lock(at_late_a->mutex);
    return at_late_a->data.size() == 1;
  }));
}

// A writer that ignores buffer-full (rtc-engine's writer waits for pull;
// a hostile one need not) cannot grow a pull reader's queue without end:
// past 40 MiB unread the transfer fails, and the writer is told.
TEST(OriginalProtocol, WriterIgnoringBufferFullFailsTheTransferInsteadOfGrowingIt) {
  auto pair = EnginePair::create();
  ASSERT_TRUE(pair.wait_connected());
  auto reader = pair.a->readable("flood");
  auto raw = pair.b->socket("flood");
  ASSERT_EQ(raw.wait_for(10s), std::future_status::ready);
  auto flood = raw.get();
  auto heard = std::make_shared<Recorder>();
  heard->attach(*flood, kAllEvents);
  flood->write_event("metadata", Json{{"name", "endless"}});
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready);
  auto readable = reader.get();
  // The first read() picks the queue; nothing is read after it.
  EXPECT_THROW(readable->read(10ms), TimeoutError);
  std::vector<std::uint8_t> chunk(256 * 1024, 7);
  for (int i = 0; i < 60 * 4 && flood->is_open(); ++i) {
    try {
      flood->write_binary(chunk);
    } catch (const Error&) {
      break;  // closed by the reader
    }
  }
  std::string why;
  try {
    readable->wait(20s);
  } catch (const TransferError& failure) {
    why = failure.what();
  }
  EXPECT_EQ(readable->state(), TransferState::failed);
  EXPECT_NE(why.find("queue was full"), std::string::npos) << why;
  EXPECT_TRUE(wait_until([&] {
    auto names = heard->event_names();
    return std::find(names.begin(), names.end(), "cancel") != names.end();
  }));
}
