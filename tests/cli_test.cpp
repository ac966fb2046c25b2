// The rtcengine tool as users run it: two real processes on this machine,
// checked by what they print, what lands on disk and how they exit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <regex>

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
  // The command as one shell word list, for scripts.
  std::string quoted(std::vector<std::string> arguments) const {
    std::string text;
    for (const auto& part : command(std::move(arguments))) text += "'" + part + "' ";
    return text;
  }
};

void append_bytes(const std::filesystem::path& path, std::size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << std::string(count, 'x');
}

// As root, but without the capabilities that let root read anything: file
// modes apply, so a file can be unreadable for the test's sender.
std::vector<std::string> without_root_reading(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"});
  return argv;
}

bool any_line_contains(const Process& process, const std::string& text) {
  for (const auto& line : process.lines()) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

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
  for (const std::string& name : std::vector<std::string>{
           "../escape.txt", absolute, "a/../../b.txt", "link/in.txt", "./dot.txt"}) {
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
    std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + channel.runtime.path().string(),
                                  cli()};
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

// Issue 11: a file that grows between the listing and the sending used to
// abort the sender (write() past the announced size, terminate()) and leave
// the receiver waiting forever.
TEST(Cli, FileThatGrowsBeforeItIsSentEndsBothSidesWithExitOne) {
  Channel channel;
  TempDir source, target;
  write_file(source / "grows.log", test_bytes(100'000));
  Process sender(channel.command({"send", (source / "grows.log").string()}));
  ASSERT_TRUE(sender.wait_for_line("waiting for the receiver", 20s));
  append_bytes(source / "grows.log", 5000);
  Process receiver(channel.command({"receive", target.path().string()}));
  EXPECT_EQ(sender.wait_exit(60s), 1);
  EXPECT_EQ(receiver.wait_exit(60s), 1);
  EXPECT_TRUE(sender.wait_for_line("changed while being sent", 1s));
  EXPECT_TRUE(receiver.wait_for_line("\"grows.log\" changed while being sent", 1s));
  EXPECT_FALSE(std::filesystem::exists(target / "grows.log"));
}

// ... and one that shrinks gave "will resume" loops.
TEST(Cli, FileThatShrinksBeforeItIsSentEndsBothSidesWithExitOne) {
  Channel channel;
  TempDir source, target;
  write_file(source / "shrinks.log", test_bytes(100'000));
  Process sender(channel.command({"send", (source / "shrinks.log").string()}));
  ASSERT_TRUE(sender.wait_for_line("waiting for the receiver", 20s));
  std::filesystem::resize_file(source / "shrinks.log", 40'000);
  Process receiver(channel.command({"receive", target.path().string()}));
  EXPECT_EQ(sender.wait_exit(60s), 1);
  EXPECT_EQ(receiver.wait_exit(60s), 1);
  EXPECT_TRUE(sender.wait_for_line("changed while being sent", 1s));
  EXPECT_TRUE(receiver.wait_for_line("\"shrinks.log\" changed while being sent", 1s));
  EXPECT_FALSE(any_line_contains(sender, "will resume"));
}

// A name that is not UTF-8 cannot cross the wire as JSON (it used to abort
// the sender); such files, and unreadable ones, are found before the peer
// connects: the sender names each and exits 1 without waiting for anyone.
TEST(Cli, UnsendableFilesAreNamedBeforeConnectingAndNothingIsSent) {
  Channel channel;
  TempDir source;
  std::filesystem::create_directories(source / "album/locked");
  write_file(source / "album/fine.txt", test_bytes(10));
  write_file(source / "album/caf\xE9.txt", test_bytes(10));  // Latin-1, not UTF-8
  write_file(source / "album/secret.txt", test_bytes(10));
  write_file(source / "album/locked/inner.txt", test_bytes(10));
  std::filesystem::permissions(source / "album/secret.txt", std::filesystem::perms::none);
  std::filesystem::permissions(source / "album/locked", std::filesystem::perms::none);
  Process sender(without_root_reading(
      channel.shell(channel.quoted({"send", (source / "album").string()}) + " 2>&1")));
  EXPECT_EQ(sender.wait_exit(20s), 1);
  EXPECT_TRUE(sender.wait_for_line("caf\\xE9.txt\": its name is not UTF-8", 1s));
  EXPECT_TRUE(sender.wait_for_line(
      "cannot read \"" + (source / "album/secret.txt").string() + "\": Permission denied", 1s));
  EXPECT_TRUE(sender.wait_for_line("cannot read the folder \"" +
                                       (source / "album/locked").string() + "\": Permission denied",
                                   1s));
  EXPECT_TRUE(sender.wait_for_line("nothing was sent", 1s));
  EXPECT_FALSE(any_line_contains(sender, "waiting for the receiver"));
  std::filesystem::permissions(source / "album/locked", std::filesystem::perms::owner_all);
}

TEST(Cli, ReceiveFolderThatCannotBeCreatedSaysWhy) {
  Channel channel;
  TempDir root;
  write_file(root / "plain-file", test_bytes(10));
  auto wanted = (root / "plain-file" / "inbox").string();
  Process receiver(channel.shell(channel.quoted({"receive", wanted}) + " 2>&1"));
  EXPECT_EQ(receiver.wait_exit(20s), 2);
  EXPECT_TRUE(
      receiver.wait_for_line("cannot create the folder \"" + wanted + "\": Not a directory", 1s));
}

// Links planted at the part file's and the sidecar's names used to be
// followed: the sidecar's target was truncated. Now they are replaced.
TEST(Cli, LinksPlantedInTheReceiveFolderAreNeverFollowed) {
  Channel channel;
  TempDir source, target, elsewhere;
  write_file(source / "f.bin", test_bytes(300'000, 4));
  write_file(elsewhere / "precious", test_bytes(1000, 5));
  write_file(elsewhere / "precious-too", test_bytes(1000, 6));
  std::filesystem::create_symlink(elsewhere / "precious", target / ".f.bin.rtcengine-part.json");
  std::filesystem::create_symlink(elsewhere / "precious-too", target / ".f.bin.rtcengine-part");
  Process receiver(channel.command({"receive", target.path().string()}));
  Process sender(channel.command({"send", (source / "f.bin").string()}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_EQ(read_file(target / "f.bin"), test_bytes(300'000, 4));
  EXPECT_EQ(read_file(elsewhere / "precious"), test_bytes(1000, 5));
  EXPECT_EQ(read_file(elsewhere / "precious-too"), test_bytes(1000, 6));
  EXPECT_FALSE(std::filesystem::exists(
      std::filesystem::symlink_status(target / ".f.bin.rtcengine-part.json")));
}

// A full disk used to read "waiting for the sender to resume" forever.
// The receive folder is a 1 MiB tmpfs in a mount namespace of its own.
TEST(Cli, FullDiskEndsTheFileOnBothSidesAndSaysWhatIsKept) {
  Channel channel;
  TempDir source, target;
  write_file(source / "big.bin", test_bytes(4'000'000));
  auto folder = target.path().string();
  Process receiver(channel.shell("unshare -m sh -c \"mount -t tmpfs -o size=1m tmpfs '" + folder +
                                 "' && " + channel.quoted({"receive", folder}) +
                                 "; status=\\$?; ls -a '" + folder +
                                 "' | sed 's/^/left: /'; exit \\$status\""));
  Process sender(channel.command({"send", (source / "big.bin").string()}));
  EXPECT_EQ(sender.wait_exit(60s), 1);
  EXPECT_EQ(receiver.wait_exit(60s), 1);
  EXPECT_TRUE(
      receiver.wait_for_line("failed big.bin: cannot write \"big.bin\": the disk is full", 1s));
  EXPECT_TRUE(receiver.wait_for_line(
      "are kept in \".big.bin.rtcengine-part\", and the same transfer run again resumes", 1s));
  EXPECT_TRUE(sender.wait_for_line("failed big.bin: the receiver cancelled the transfer: cannot "
                                   "write \"big.bin\": the disk is full",
                                   1s));
  EXPECT_TRUE(receiver.wait_for_line("left: .big.bin.rtcengine-part", 1s));
  EXPECT_FALSE(any_line_contains(receiver, "waiting for the sender to resume"));
}

// With --overwrite, a folder at the final name used to fail only at the
// rename, as "waiting for the sender to resume".
TEST(Cli, FinalNameThatIsAFolderEndsTheFileOnBothSides) {
  Channel channel;
  TempDir source, target;
  write_file(source / "taken", test_bytes(50'000));
  std::filesystem::create_directories(target / "taken/inside");
  Process receiver(channel.command({"receive", target.path().string(), "--overwrite"}));
  Process sender(channel.command({"send", (source / "taken").string()}));
  EXPECT_EQ(sender.wait_exit(60s), 1);
  EXPECT_EQ(receiver.wait_exit(60s), 1);
  EXPECT_TRUE(receiver.wait_for_line("\"taken\" is a folder; a file cannot replace it", 1s));
  EXPECT_TRUE(
      sender.wait_for_line("the receiver cancelled the transfer: \"taken\" is a folder", 1s));
  EXPECT_TRUE(std::filesystem::is_directory(target / "taken/inside"));
}

// The part file's name adds 16 bytes: names of 236..255 bytes used to pass
// the name check and then always fail.
TEST(Cli, NamesOfTheFullFileNameLengthArrive) {
  Channel channel;
  TempDir source, target;
  std::string longest(251, 'n');
  longest += ".bin";
  write_file(source / longest, test_bytes(70'000));
  Process receiver(channel.command({"receive", target.path().string()}));
  Process sender(channel.command({"send", (source / longest).string()}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_EQ(read_file(target / longest), test_bytes(70'000));
}

// Names and chat lines from the peer reach a terminal: escape sequences and
// newlines in them are shown escaped, so they cannot retitle the window or
// forge a line such as "done X verified".
TEST(Cli, PeerTextCannotReachTheTerminalRaw) {
  Channel channel;
  TempDir inbox;
  Process receiver(channel.command({"receive", inbox.path().string()}));
  auto hostile = channel.command({});
  hostile[2] = program_path("hostile_sender");
  hostile.insert(hostile.end(), {"x\ndone forged.bin 3 bytes, verified",
                                 "title\x1b]0;pwned\x07.txt", "evil\xE2\x80\xAEtxt.exe"});
  Process sender(hostile);
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 1);
  EXPECT_TRUE(receiver.wait_for_line("done evil\\u202Etxt.exe 3 bytes, verified", 1s));
  EXPECT_TRUE(receiver.wait_for_line("failed x\\ndone forged.bin", 1s));
  EXPECT_TRUE(receiver.wait_for_line("failed title\\x1B]0;pwned\\x07.txt", 1s));
  for (const auto& line : receiver.lines()) {
    EXPECT_NE(line.rfind("done forged", 0), 0u) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }

  Channel talk;
  auto chat = [&](const std::string& script) {
    return talk.shell("(" + script + ") | " + talk.quoted({"chat"}) + " 2>&1");
  };
  // A line that is not UTF-8 cannot be JSON: refused with a message, and
  // the chat goes on.
  Process first(chat("printf 'caf\\351\\nhi \\033]0;pwned\\007 there\\342\\200\\256\\n'; sleep 4"));
  Process second(chat("sleep 4"));
  EXPECT_TRUE(second.wait_for_line("peer: hi \\x1B]0;pwned\\x07 there\\u202E", 20s));
  EXPECT_TRUE(first.wait_for_line("the line is not UTF-8 text; it was not sent", 1s));
  EXPECT_FALSE(any_line_contains(second, "peer: caf"));
  EXPECT_EQ(first.wait_exit(30s), 0);
  EXPECT_EQ(second.wait_exit(30s), 0);
}

// --allow-loopback lets two peers on one machine meet through a server (as
// a browser and the CLI would); here, in a namespace with only loopback.
TEST(Cli, AllowLoopbackConnectsThroughASignalServerOnThisMachine) {
  SignalServerProcess server;
  TempDir runtime, source, target;
  write_file(source / "over-lo.bin", test_bytes(500'000));
  auto signal = "ws://127.0.0.1:" + std::to_string(server.port()) + "/loop";
  Process receiver(
      {cli(), "--signal", signal, "--allow-loopback", "receive", target.path().string()});
  Process sender(
      {cli(), "--signal", signal, "--allow-loopback", "send", (source / "over-lo.bin").string()});
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_TRUE(receiver.wait_for_line("127.0.0.1", 1s)) << "the path line names loopback";
  EXPECT_EQ(read_file(target / "over-lo.bin"), test_bytes(500'000));
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

// ---- Word codes (issue 11): short codes to read out, safe because the
// secret is only ever used in a PAKE (docs/protocol.md) ----

namespace {

struct WordCode {
  std::string number, first, second;
  std::string text() const { return number + "-" + first + "-" + second; }
};

// The code `send --words` printed, split; nullopt if there is none.
std::optional<WordCode> printed_word_code(const Process& sender) {
  static const std::regex form(R"(^code: ([0-9]{1,3})-([a-z]{4,6})-([a-z]{4,6}) )");
  for (const auto& line : sender.lines()) {
    std::smatch parts;
    if (std::regex_search(line, parts, form)) return WordCode{parts[1], parts[2], parts[3]};
  }
  return std::nullopt;
}

std::vector<std::string> in_runtime(const Channel& channel, std::vector<std::string> arguments) {
  std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + channel.runtime.path().string(), cli()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return argv;
}

}  // namespace

TEST(Cli, WordCodeIsShortAndCarriesAFileWhateverTheCaseTyped) {
  Channel channel;
  TempDir source, target;
  write_file(source / "words.bin", test_bytes(1'000'000, 7));
  Process sender(in_runtime(channel, {"send", (source / "words.bin").string(), "--words"}));
  ASSERT_TRUE(sender.wait_for_line("code: ", 10s));
  auto code = printed_word_code(sender);
  ASSERT_TRUE(code) << sender.lines().front();
  auto typed = code->text();
  typed[typed.size() - 1] = static_cast<char>(std::toupper(typed.back()));
  Process receiver(in_runtime(channel, {"receive", target.path().string(), "--code", typed}));
  EXPECT_EQ(sender.wait_exit(60s), 0);
  EXPECT_EQ(receiver.wait_exit(60s), 0);
  EXPECT_EQ(read_file(target / "words.bin"), test_bytes(1'000'000, 7));
}

TEST(Cli, WrongWordsMeetInTheRoomOfTheNumberAndAreRefusedOnBothSides) {
  // Same number, so the same room; another word, so another secret: the
  // key exchange fails on both sides and nothing is sent.
  Channel channel;
  TempDir source, target;
  write_file(source / "kept.bin", test_bytes(1000));
  Process sender(
      in_runtime(channel, {"--verbose", "send", (source / "kept.bin").string(), "--words"}));
  ASSERT_TRUE(sender.wait_for_line("code: ", 10s));
  auto code = printed_word_code(sender);
  ASSERT_TRUE(code);
  auto wrong = *code;
  wrong.second = code->second == "zebra" ? "yeast" : "zebra";
  Process receiver(in_runtime(
      channel, {"--verbose", "receive", target.path().string(), "--code", wrong.text()}));
  EXPECT_TRUE(receiver.wait_for_line("not signed with the shared secret", 30s));
  EXPECT_TRUE(sender.wait_for_line("not signed with the shared secret", 30s));
  EXPECT_FALSE(std::filesystem::exists(target / "kept.bin"));
  EXPECT_EQ(sender.count_lines("sent 1 of 1"), 0u);
}
