// Real processes finding each other through LocalSignaler.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "support/process.hpp"

using namespace std::chrono_literals;
using rtcengine::test::Process;
using rtcengine::test::program_path;

namespace {

struct Rendezvous {
  std::string directory;
  std::string channel = "process-" + std::to_string(::getpid());
  Rendezvous() {
    char pattern[] = "/tmp/rtcengine-process-test-XXXXXX";
    directory = mkdtemp(pattern);
  }
  ~Rendezvous() { std::filesystem::remove_all(directory); }
  std::vector<std::string> peer(std::vector<std::string> extra) const {
    std::vector<std::string> argv = {program_path("engine_peer"), "--channel", channel, "--dir",
                                     directory};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
};

void exchange_with_delay(std::chrono::milliseconds delay) {
  Rendezvous place;
  Process first(place.peer({"--count", "3", "--expect", "3"}));
  std::this_thread::sleep_for(delay);
  Process second(place.peer({"--count", "3", "--expect", "3"}));
  EXPECT_EQ(first.wait_exit(30s), 0);
  EXPECT_EQ(second.wait_exit(30s), 0);
  for (auto* process : {&first, &second}) {
    for (int i = 1; i <= 3; ++i) {
      EXPECT_EQ(process->count_lines("recv m" + std::to_string(i)), 1u);
    }
    EXPECT_EQ(process->count_lines("state connected"), 1u);
  }
}

}  // namespace

TEST(Processes, ConnectWhenStartedTogether) { exchange_with_delay(0ms); }

TEST(Processes, ConnectWhenTheSecondStartsSecondsLater) { exchange_with_delay(2500ms); }

TEST(Processes, KilledPeerIsReplacedAndTheSurvivorPairsAgain) {
  Rendezvous place;
  Process survivor(place.peer({"--echo", "--reopen"}));
  {
    Process doomed(place.peer({"--count", "1", "--expect", "1"}));
    ASSERT_TRUE(doomed.wait_for_line("recv echo m1", 20s));
    doomed.kill(SIGKILL);
    EXPECT_EQ(doomed.wait_exit(10s), 128 + SIGKILL);
  }
  // The new instance finds the survivor, which pairs again and reopens "work".
  Process reborn(place.peer({"--count", "2", "--expect", "2"}));
  EXPECT_EQ(reborn.wait_exit(30s), 0);
  EXPECT_EQ(reborn.count_lines("recv echo m1"), 1u);
  EXPECT_EQ(reborn.count_lines("recv echo m2"), 1u);
  EXPECT_EQ(survivor.count_lines("open work"), 2u);
  EXPECT_GE(survivor.count_lines("closed work"), 1u);
}
