// The path between two peers in two network namespaces is cut until the
// connection fails, then restored: the engines restart ICE on their own and
// every message written before, during and after arrives once, in order.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "support/network_namespaces.hpp"
#include "support/process.hpp"

using namespace std::chrono_literals;
using rtcengine::test::NamespacePair;
using rtcengine::test::Process;
using rtcengine::test::program_path;

TEST(IceRestart, ConnectionComesBackAfterTheLinkWasDownUntilFailed) {
  NamespacePair namespaces;
  if (!namespaces.available()) GTEST_SKIP() << "cannot create network namespaces here (needs root)";
  char pattern[] = "/tmp/rtcengine-ice-restart-XXXXXX";
  std::string directory = mkdtemp(pattern);
  const int kMessages = 300;  // one every 40 ms: 12 s of traffic across the outage
  auto peer = [&](const std::string& name, const std::string& interface_name) {
    return namespaces.inside(name, {program_path("engine_peer"), "--channel", "ice", "--dir",
                                    directory, "--interface", interface_name, "--count",
                                    std::to_string(kMessages), "--interval-ms", "40", "--expect",
                                    std::to_string(kMessages), "--failed-after-ms", "2000"});
  };
  Process a(peer(namespaces.first(), namespaces.first_interface()));
  Process b(peer(namespaces.second(), namespaces.second_interface()));
  ASSERT_TRUE(a.wait_for_line("recv m5", 20s));
  ASSERT_TRUE(b.wait_for_line("recv m5", 20s));

  namespaces.set_link(false);
  EXPECT_TRUE(a.wait_for_line("state failed", 20s));
  EXPECT_TRUE(b.wait_for_line("state failed", 20s));
  namespaces.set_link(true);

  EXPECT_EQ(a.wait_exit(60s), 0);
  EXPECT_EQ(b.wait_exit(60s), 0);
  for (auto* process : {&a, &b}) {
    EXPECT_GE(process->count_lines("state connected"), 2u);
    // Every message once, in order.
    int next = 1;
    for (const auto& line : process->lines()) {
      if (line.rfind("recv m", 0) != 0) continue;
      EXPECT_EQ(line, "recv m" + std::to_string(next));
      ++next;
    }
    EXPECT_EQ(next, kMessages + 1);
  }
  std::filesystem::remove_all(directory);
}
