// The rtcengine tool as users run it: two real processes on this machine,
// checked by what they print, what lands on disk and how they exit.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "support/process.hpp"
#include "support/signal_server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_data.hpp"
#include "support/ws_client.hpp"

using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

std::string cli() { return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine"; }

// Each test gets its own channel and rendezvous folder.
struct Channel {
  TempDir runtime;
  std::string name = "cli-" + std::to_string(std::random_device{}());

  std::vector<std::string> command(std::vector<std::string> arguments) const {
    std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + runtime.path().string(), cli()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.insert(argv.end(), {"--channel", name});
    return argv;
  }
  std::vector<std::string> shell(const std::string& script) const {
    return {"env", "XDG_RUNTIME_DIR=" + runtime.path().string(), "bash", "-c", script};
  }
};

}  // namespace

TEST(Cli, SendsFilesAndFoldersThatArriveIdenticalAndVerified) {
  Channel channel;
  TempDir source, target;
  std::filesystem::create_directories(source / "album/sub");
  write_file(source / "album/a.bin", test_bytes(1'000'000, 1));
  write_file(source / "album/sub/b.bin", test_bytes(300'000, 2));
  write_file(source / "album/empty", {});
  write_file(source / "single.bin", test_bytes(5'000'000, 3));

  Process receiver(channel.command({"receive", target.path().string()}));
  // Larger packets on one side only: the receiver needs no setting.
  Process sender(channel.command({"--sctp-packet-size", "2048", "send", (source / "album").string(),
                                  (source / "single.bin").string()}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_TRUE(sender.wait_for_line("sent 4 of 4 files", 1s));
  EXPECT_TRUE(receiver.wait_for_line("received 4 of 4 files", 1s));
  EXPECT_EQ(receiver.count_lines("verified"), 4u);
  for (const char* name : {"album/a.bin", "album/sub/b.bin", "album/empty", "single.bin"}) {
    EXPECT_EQ(read_file(target / name), read_file(source / name)) << name;
  }
}

TEST(Cli, JsonProgressIsOneObjectPerLine) {
  Channel channel;
  TempDir source, target;
  write_file(source / "f.bin", test_bytes(20'000'000));
  Process receiver(channel.command({"receive", target.path().string(), "--json"}));
  Process sender(channel.command({"send", (source / "f.bin").string(), "--json"}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  for (auto* process : {&sender, &receiver}) {
    EXPECT_TRUE(process->wait_for_line("\"event\":\"done\"", 1s));
    for (const auto& line : process->lines()) {
      EXPECT_EQ(line.front(), '{') << line;
      EXPECT_EQ(line.back(), '}') << line;
    }
  }
}

TEST(Cli, ChatLinesAppearOnTheOtherSide) {
  Channel channel;
  auto chat = [&](const std::string& script) {
    auto argv = channel.command({"chat"});
    std::string command;
    for (const auto& part : argv) command += "'" + part + "' ";
    return channel.shell("(" + script + ") | " + command);
  };
  Process first(chat("echo hello from first; sleep 4"));
  Process second(chat("sleep 1; echo hello from second; sleep 3"));
  EXPECT_TRUE(first.wait_for_line("peer: hello from second", 20s));
  EXPECT_TRUE(second.wait_for_line("peer: hello from first", 20s));
  EXPECT_EQ(first.wait_exit(30s), 0);
  EXPECT_EQ(second.wait_exit(30s), 0);
}

TEST(Cli, HostileFileNamesAreRefusedAndNothingLandsOutsideTheFolder) {
  Channel channel;
  TempDir root;
  auto inbox = root / "inbox";
  auto outside = root / "outside";
  std::filesystem::create_directories(inbox);
  std::filesystem::create_directories(outside);
  std::filesystem::create_directory_symlink(outside, inbox / "link");
  auto absolute = (root / "absolute.txt").string();

  Process receiver(channel.command({"receive", inbox.string()}));
  auto hostile = channel.command({});
  hostile[2] = program_path("hostile_sender");
  hostile.insert(hostile.end(), {"../escape.txt", absolute, "a/../../b.txt", "link/in.txt",
                                 "./dot.txt", "ok.txt"});
  Process sender(hostile);
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 1) << "some files were refused";
  for (const std::string& name : std::vector<std::string>{"../escape.txt", absolute, "a/../../b.txt",
                                                         "link/in.txt", "./dot.txt"}) {
    EXPECT_TRUE(sender.wait_for_line("refused " + name + ":", 1s)) << name;
  }
  EXPECT_TRUE(sender.wait_for_line("accepted ok.txt", 1s));
  EXPECT_TRUE(std::filesystem::exists(inbox / "ok.txt"));
  EXPECT_FALSE(std::filesystem::exists(root / "escape.txt"));
  EXPECT_FALSE(std::filesystem::exists(root / "b.txt"));
  EXPECT_FALSE(std::filesystem::exists(absolute));
  EXPECT_TRUE(std::filesystem::is_empty(outside));
}

TEST(Cli, ExistingFileIsKeptUnlessOverwriteIsGiven) {
  Channel channel;
  TempDir source, target;
  write_file(source / "same.txt", test_bytes(1000, 1));
  write_file(target / "same.txt", test_bytes(10, 2));
  {
    Process receiver(channel.command({"receive", target.path().string()}));
    Process sender(channel.command({"send", (source / "same.txt").string()}));
    EXPECT_EQ(sender.wait_exit(60s), 1);
    EXPECT_EQ(receiver.wait_exit(30s), 1);
    EXPECT_TRUE(sender.wait_for_line("already exists", 1s));
    EXPECT_EQ(read_file(target / "same.txt"), test_bytes(10, 2));
  }
  Process receiver(channel.command({"receive", target.path().string(), "--overwrite"}));
  Process sender(channel.command({"send", (source / "same.txt").string()}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 0);
  EXPECT_EQ(read_file(target / "same.txt"), test_bytes(1000, 1));
}

TEST(Cli, MissingFileAndBadOptionsFailWithAClearMessage) {
  Channel channel;
  Process missing(channel.shell("'" + cli() + "' send /no/such/file 2>&1"));
  EXPECT_EQ(missing.wait_exit(10s), 2);
  EXPECT_TRUE(missing.wait_for_line("\"/no/such/file\" does not exist", 1s));
  Process bad_signal(channel.shell("'" + cli() + "' --signal carrier-pigeon chat 2>&1"));
  EXPECT_EQ(bad_signal.wait_exit(10s), 2);
  EXPECT_TRUE(bad_signal.wait_for_line("not understood", 1s));
  Process bad_packets(channel.shell("'" + cli() + "' --sctp-packet-size 9000 chat 2>&1"));
  EXPECT_NE(bad_packets.wait_exit(10s), 0);
  EXPECT_TRUE(bad_packets.wait_for_line("sctp_packet_size: 9000 is outside 1024..2048", 1s));
}

TEST(Cli, TransferCodeAuthenticatesAndNamesTheRoom) {
  Channel channel;
  TempDir source, target;
  write_file(source / "secret.bin", test_bytes(2'000'000));
  auto with_runtime = [&](std::vector<std::string> arguments) {
    std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + channel.runtime.path().string(), cli()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
  };
  Process sender(with_runtime({"send", (source / "secret.bin").string(), "--code"}));
  ASSERT_TRUE(sender.wait_for_line("code: ", 10s));
  std::string code;
  for (const auto& line : sender.lines()) {
    if (line.rfind("code: ", 0) == 0) code = line.substr(6, line.find(' ', 6) - 6);
  }
  ASSERT_EQ(code.size(), 19u) << code;
  Process receiver(with_runtime({"receive", target.path().string(), "--code", code}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_EQ(read_file(target / "secret.bin"), read_file(source / "secret.bin"));
}

// Issue 11, room squatting: strangers who hold the room (silently, or with
// a room secret of their own) used to leave the user waiting forever with
// no word unless --verbose. Now the tool says why and exits 1.
TEST(Cli, SquattedRoomEndsWithAClearMessageAndExitOne) {
  SignalServerProcess server({"--quiet"});
  std::string base = "ws://127.0.0.1:" + std::to_string(server.port());
  WsClient squatter(server.port(), "/taken");
  WsClient accomplice(server.port(), "/taken");
  WsClient secretive(server.port(), "/locked?secret=theirs");
  TempDir source, target;
  write_file(source / "f.bin", test_bytes(1000));
  Channel channel;
  // exec: a tool that never exits is killed by the test, not left behind.
  Process receiver(channel.shell("exec '" + cli() + "' --signal " + base + "/taken receive '" +
                                 target.path().string() + "' 2>&1"));
  Process sender(channel.shell("exec '" + cli() + "' --signal " + base + "/locked send '" +
                               (source / "f.bin").string() + "' 2>&1"));
  EXPECT_EQ(sender.wait_exit(30s), 1);
  EXPECT_TRUE(sender.wait_for_line("room \"locked\": wrong-secret", 1s));
  EXPECT_EQ(receiver.wait_exit(60s), 1);
  EXPECT_TRUE(receiver.wait_for_line("room \"taken\": still full", 1s));
}
