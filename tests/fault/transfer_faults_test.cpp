// File transfers between real `rtcengine` processes when things go wrong:
// a receiver killed half way and started again, Ctrl-C on either side, and
// the path between two namespaces cut until the connection fails.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "support/network_namespaces.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_data.hpp"

using namespace rtcengine::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string cli() { return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine"; }

std::uintmax_t size_or_zero(const fs::path& path) {
  std::error_code error;
  auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

struct TwoPeers {
  TempDir runtime, source, target;
  std::string channel = "fault-" + std::to_string(std::random_device{}());

  std::vector<std::string> command(std::vector<std::string> arguments) const {
    std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + runtime.path().string(), cli()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.insert(argv.end(), {"--channel", channel});
    return argv;
  }
};

// "bytes sent again after resumes: N" from the sender's last line.
std::optional<std::uint64_t> resent_bytes(const Process& sender) {
  static const std::regex pattern(R"(bytes sent again after resumes: (\d+))");
  for (const auto& line : sender.lines()) {
    std::smatch match;
    if (std::regex_search(line, match, pattern)) return std::stoull(match[1]);
  }
  return std::nullopt;
}

}  // namespace

TEST(TransferFaults, ReceiverKilledAtHalfResumesWhenStartedAgain) {
  TwoPeers setup;
  constexpr std::size_t kSize = 200u << 20;
  write_random_file(setup.source / "big.bin", kSize);
  auto final_path = setup.target / "big.bin";
  auto part_path = setup.target / ".big.bin.rtcengine-part";
  auto receive = setup.command({"receive", setup.target.path().string()});

  auto receiver = std::make_unique<Process>(receive);
  Process sender(setup.command({"send", (setup.source / "big.bin").string()}));
  // The final name may appear only for the whole, verified file. It can
  // appear a moment before "done" is printed (rename, then report), so what
  // counts is its size when seen: the rename is atomic.
  bool final_name_too_early = false;
  auto partial_under_final_name = [&] {
    return fs::exists(final_path) && size_or_zero(final_path) != kSize;
  };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (size_or_zero(part_path) < kSize / 2 && std::chrono::steady_clock::now() < deadline) {
    final_name_too_early = final_name_too_early || partial_under_final_name();
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_GE(size_or_zero(part_path), kSize / 2) << "the transfer did not reach half";
  receiver->kill(SIGKILL);
  receiver->wait_exit(10s);
  auto kept = size_or_zero(part_path);
  EXPECT_FALSE(fs::exists(final_path));

  receiver = std::make_unique<Process>(receive);
  while (!receiver->wait_for_line("done big.bin", 10ms)) {
    if (receiver->wait_exit(0ms)) break;
    final_name_too_early = final_name_too_early || partial_under_final_name();
  }
  EXPECT_EQ(receiver->wait_exit(60s), 0);
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_FALSE(final_name_too_early) << "a partial file sat under the final name";
  ASSERT_TRUE(receiver->wait_for_line("(resumed at ", 1s)) << "started from zero again";
  EXPECT_TRUE(same_content(setup.source / "big.bin", final_path));
  EXPECT_FALSE(fs::exists(part_path));
  auto resent = resent_bytes(sender);
  ASSERT_TRUE(resent.has_value());
  std::cout << "kept before the kill: " << kept << " bytes; sent again: " << *resent << " bytes"
            << std::endl;
  EXPECT_LT(*resent, kSize / 10) << "a resume should not resend much";
}

TEST(TransferFaults, SenderCtrlCTellsTheReceiverAndLeavesNoFinalFile) {
  TwoPeers setup;
  write_random_file(setup.source / "stop.bin", 300u << 20);
  Process receiver(setup.command({"receive", setup.target.path().string()}));
  Process sender(setup.command({"send", (setup.source / "stop.bin").string()}));
  ASSERT_TRUE(receiver.wait_for_line("progress stop.bin", 30s));
  sender.kill(SIGINT);
  EXPECT_EQ(sender.wait_exit(20s), 130);
  EXPECT_EQ(receiver.wait_exit(20s), 1);
  EXPECT_TRUE(receiver.wait_for_line("interrupted (Ctrl-C)", 1s));
  EXPECT_FALSE(fs::exists(setup.target / "stop.bin"));
}

TEST(TransferFaults, ReceiverCtrlCStopsTheSender) {
  TwoPeers setup;
  write_random_file(setup.source / "halt.bin", 300u << 20);
  Process receiver(setup.command({"receive", setup.target.path().string()}));
  Process sender(setup.command({"send", (setup.source / "halt.bin").string()}));
  ASSERT_TRUE(receiver.wait_for_line("progress halt.bin", 30s));
  receiver.kill(SIGINT);
  EXPECT_EQ(receiver.wait_exit(20s), 130);
  EXPECT_EQ(sender.wait_exit(20s), 1);
  EXPECT_TRUE(sender.wait_for_line("failed halt.bin: ", 1s));
  EXPECT_TRUE(sender.wait_for_line("the receiver was interrupted", 1s));
  EXPECT_FALSE(fs::exists(setup.target / "halt.bin"));
}

TEST(TransferFaults, LinkCutMidTransferResumesAndCompletesByteIdentical) {
  NamespacePair namespaces;
  if (!namespaces.available()) GTEST_SKIP() << "cannot create network namespaces here (needs root)";
  TwoPeers setup;
  constexpr std::size_t kSize = 150u << 20;
  write_random_file(setup.source / "cut.bin", kSize);
  auto in = [&](const std::string& name, const std::string& interface_name,
                std::vector<std::string> arguments) {
    arguments.insert(arguments.end(), {"--interface", interface_name});
    return namespaces.inside(name, setup.command(arguments));
  };
  Process receiver(in(namespaces.first(), namespaces.first_interface(),
                      {"receive", setup.target.path().string()}));
  Process sender(in(namespaces.second(), namespaces.second_interface(),
                    {"send", (setup.source / "cut.bin").string()}));
  auto part_path = setup.target / ".cut.bin.rtcengine-part";
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (size_or_zero(part_path) < kSize / 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(size_or_zero(part_path), kSize / 5);
  namespaces.set_link(false);
  std::this_thread::sleep_for(9s);  // past the 5 s after which the path counts as failed
  auto during = size_or_zero(part_path);
  namespaces.set_link(true);

  EXPECT_EQ(sender.wait_exit(90s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 0);
  EXPECT_LT(during, kSize) << "the transfer finished before the link went down";
  EXPECT_TRUE(same_content(setup.source / "cut.bin", setup.target / "cut.bin"));
  auto resent = resent_bytes(sender);
  ASSERT_TRUE(resent.has_value());
  std::cout << "bytes sent again after the link came back: " << *resent << std::endl;
  EXPECT_LT(*resent, kSize / 10);
}
