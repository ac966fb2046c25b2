// LocalSignaler on its own: pairing, a third member, stale files, bad
// datagrams, and many signalers in one process.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "rtcengine/local_signaler.hpp"
#include "support/wait.hpp"

using namespace std::chrono_literals;
using namespace rtcengine;
using rtcengine::test::wait_until;

namespace {

struct TempFolder {
  std::string path;
  TempFolder() {
    char pattern[] = "/tmp/rtcengine-local-test-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempFolder() { std::filesystem::remove_all(path); }
  LocalSignalerOptions options(const std::string& channel = "c") const {
    LocalSignalerOptions options;
    options.channel = channel;
    options.directory = path;
    return options;
  }
};

struct Inbox {
  std::mutex mutex;
  std::vector<Json> messages;
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
};

std::shared_ptr<Inbox> collect(Signaler& signaler, const std::string& type) {
  auto inbox = std::make_shared<Inbox>();
  signaler.on(type, [inbox](const Json& message) {
    std::lock_guard lock(inbox->mutex);
    inbox->messages.push_back(message);
  });
  return inbox;
}

int thread_count() {
  int count = 0;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (auto* entry = readdir(dir)) count += entry->d_name[0] != '.';
    closedir(dir);
  }
  return count;
}

void send_raw(const std::string& path, const std::string& text) {
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&address), sizeof address);
  close(fd);
}

}  // namespace

TEST(LocalSignaler, PairsWithinMillisecondsAndRoutesByType) {
  TempFolder folder;
  LocalSignaler a(folder.options());
  auto started = std::chrono::steady_clock::now();
  LocalSignaler b(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready() && b.ready(); }, 3s));
  auto took = std::chrono::steady_clock::now() - started;
  // The heartbeat period is 1 s; pairing must not wait for it.
  EXPECT_LT(took, 200ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  EXPECT_EQ(a.peer_id(), b.id());
  EXPECT_EQ(b.peer_id(), a.id());

  // Sent before B has a handler: kept, then delivered in order.
  a.send({{"type", "greeting"}, {"n", 1}});
  a.send({{"type", "greeting"}, {"n", 2}});
  std::this_thread::sleep_for(50ms);
  auto at_b = collect(b, "greeting");
  auto at_a = collect(a, "reply");
  b.send({{"type", "reply"}});
  ASSERT_TRUE(wait_until([&] { return at_b->size() == 2 && at_a->size() == 1; }));
  EXPECT_EQ(at_b->messages[0]["n"], 1);
  EXPECT_EQ(at_b->messages[1]["n"], 2);
}

TEST(LocalSignaler, ThirdMemberIsIgnoredAndDisturbsNothing) {
  TempFolder folder;
  LocalSignaler a(folder.options());
  LocalSignaler b(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready() && b.ready(); }));
  LocalSignaler c(folder.options());
  std::this_thread::sleep_for(2500ms);  // two heartbeat periods
  EXPECT_FALSE(c.ready());
  EXPECT_EQ(a.peer_id(), b.id());
  auto at_b = collect(b, "x");
  a.send({{"type", "x"}});
  ASSERT_TRUE(wait_until([&] { return at_b->size() == 1; }));
}

TEST(LocalSignaler, GonePeerIsNoticedAndANewOneIsPaired) {
  TempFolder folder;
  LocalSignaler a(folder.options());
  auto b = std::make_unique<LocalSignaler>(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready(); }));
  b.reset();
  ASSERT_TRUE(wait_until([&] { return !a.ready(); }, 3s));
  LocalSignaler c(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready() && c.ready(); }, 3s));
  EXPECT_EQ(a.peer_id(), c.id());
}

TEST(LocalSignaler, StaleFileOfACrashedMemberIsRemovedAndHarmless) {
  TempFolder folder;
  std::filesystem::create_directories(folder.path + "/c");
  std::string stale = folder.path + "/c/deadbeefdeadbeef";
  {
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, stale.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    close(fd);  // the file stays, as after a crash
  }
  LocalSignaler a(folder.options());
  LocalSignaler b(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready() && b.ready(); }, 1s));
  EXPECT_TRUE(wait_until([&] { return !std::filesystem::exists(stale); }, 3s));
}

TEST(LocalSignaler, MalformedDatagramsAreReportedAndIgnored) {
  TempFolder folder;
  LocalSignaler a(folder.options());
  LocalSignaler b(folder.options());
  ASSERT_TRUE(wait_until([&] { return a.ready() && b.ready(); }));
  auto errors = std::make_shared<std::atomic<int>>(0);
  a.on_error([errors](const Error&) { ++*errors; });
  std::string path = folder.path + "/c/" + a.id();
  send_raw(path, "not json at all");
  send_raw(path, R"({"no":"type"})");
  ASSERT_TRUE(wait_until([&] { return errors->load() == 2; }));
  EXPECT_TRUE(a.ready());
  auto at_a = collect(a, "still");
  b.send({{"type", "still"}});
  ASSERT_TRUE(wait_until([&] { return at_a->size() == 1; }));
}

TEST(LocalSignaler, HundredSignalersShareOneThread) {
  TempFolder folder;
  { LocalSignaler warm_up(folder.options("warm")); }
  int before = thread_count();
  std::vector<std::unique_ptr<LocalSignaler>> signalers;
  for (int i = 0; i < 100; ++i) {
    signalers.push_back(std::make_unique<LocalSignaler>(folder.options("pair" + std::to_string(i / 2))));
  }
  ASSERT_TRUE(wait_until([&] {
    for (auto& signaler : signalers) {
      if (!signaler->ready()) return false;
    }
    return true;
  }, 5s));
  EXPECT_EQ(thread_count(), before);
}

TEST(LocalSignaler, BadOptionsAndUnpairedSendsFailClearly) {
  TempFolder folder;
  auto options = folder.options();
  options.channel = "";
  EXPECT_THROW(LocalSignaler{options}, InvalidOptionError);
  LocalSignaler alone(folder.options("lonely"));
  EXPECT_THROW(alone.send({{"type", "x"}}), Error);
  alone.close();
  EXPECT_THROW(alone.send({{"type", "x"}}), ClosedError);
}
