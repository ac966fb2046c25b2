// Peers on different machines, played by network namespaces: two `rtcengine`
// processes meet through a real rtcengine-signal server in a third
// namespace, and, when they cannot route to each other at all, through a
// real coturn relay (signaling over wss:// with a token there). Every address lives inside the
// test's own namespaces.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "support/network_lab.hpp"
#include "support/process.hpp"
#include "support/signal_server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"
#include "support/test_data.hpp"

using namespace rtcengine::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string cli() { return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine"; }

std::vector<std::string> cli_in(const std::string& netns, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), cli());
  return NetworkLab::inside(netns, std::move(arguments));
}

std::string quoted(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& part : argv) command += "'" + part + "' ";
  return command;
}

// `rtcengine chat` inside a namespace, typing what `script` prints.
std::vector<std::string> chat_in(const std::string& netns, const std::string& signal,
                                 const std::string& script) {
  return NetworkLab::inside(
      netns, {"bash", "-c", "(" + script + ") | " + quoted({cli(), "--signal", signal, "chat"})});
}

std::string ws_url(const std::string& address, std::uint16_t port, const std::string& room) {
  return "ws://" + address + ":" + std::to_string(port) + "/" + room;
}

// The "path: ..." line a CLI prints once connected.
std::string path_line(const Process& process) {
  for (const auto& line : process.lines()) {
    if (line.find("path: ") != std::string::npos) return line;
  }
  return "";
}

// coturn inside `netns`, long-term credentials, UDP only, no admin CLI.
class TurnServer {
 public:
  TurnServer(const std::string& netns, std::vector<std::string> listening, const std::string& relay,
             const std::string& user)
      : netns_(netns), process_(command(netns, listening, relay, user)) {}

  // coturn has no "ready" line of its own; wait until its port is bound.
  bool wait_listening(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string check = "ip netns exec " + netns_ + " ss -lun 2>/dev/null | grep -q ':3478 '";
      if (std::system(check.c_str()) == 0) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

 private:
  static std::vector<std::string> command(const std::string& netns,
                                          const std::vector<std::string>& listening,
                                          const std::string& relay, const std::string& user) {
    std::vector<std::string> argv{"turnserver",
                                  "-n",
                                  "--listening-port=3478",
                                  "--relay-ip=" + relay,
                                  "--lt-cred-mech",
                                  "--user=" + user,
                                  "--realm=rtcengine.test",
                                  "--no-tls",
                                  "--no-dtls",
                                  "--no-cli",
                                  "--no-stdout-log",
                                  "--log-file=/dev/null",
                                  "--pidfile=/dev/null"};
    for (const auto& address : listening) argv.push_back("--listening-ip=" + address);
    return NetworkLab::inside(netns, argv);
  }

  std::string netns_;
  Process process_;
};

}  // namespace

TEST(RemotePeers, ChatAndA200MegabyteFileThroughTheServerAcrossThreeNamespaces) {
  NetworkLab lab;
  auto alice = lab.add_namespace("a");
  auto bob = lab.add_namespace("b");
  auto hub = lab.add_namespace("s");
  auto alice_to_hub = lab.connect(alice, hub);
  auto bob_to_hub = lab.connect(bob, hub);
  auto alice_to_bob = lab.connect(alice, bob);
  if (!lab.available()) GTEST_SKIP() << "cannot create network namespaces here (needs root)";

  SignalServerProcess server({"--listen", "0.0.0.0", "--quiet"}, hub);
  auto alice_signal = ws_url(alice_to_hub.second_address, server.port(), "meeting");
  auto bob_signal = ws_url(bob_to_hub.second_address, server.port(), "meeting");

  Process first(chat_in(alice, alice_signal, "echo hello from alice; sleep 4"));
  Process second(chat_in(bob, bob_signal, "sleep 1; echo hello from bob; sleep 3"));
  EXPECT_TRUE(first.wait_for_line("peer: hello from bob", 30s));
  EXPECT_TRUE(second.wait_for_line("peer: hello from alice", 30s));
  EXPECT_EQ(first.wait_exit(30s), 0);
  EXPECT_EQ(second.wait_exit(30s), 0);

  TempDir source, target;
  constexpr std::size_t kSize = 200u << 20;
  write_random_file(source / "big.bin", kSize);
  auto transfer_signal = [&](const VethLink& link) {
    return ws_url(link.second_address, server.port(), "files");
  };
  Process receiver(cli_in(
      alice, {"--signal", transfer_signal(alice_to_hub), "receive", target.path().string()}));
  Process sender(cli_in(
      bob, {"--signal", transfer_signal(bob_to_hub), "send", (source / "big.bin").string()}));
  EXPECT_EQ(sender.wait_exit(180s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 0);
  EXPECT_TRUE(same_content(source / "big.bin", target / "big.bin"));
  // Data went straight between the peers, over the link that joins them.
  auto path = path_line(sender);
  std::cout << path << std::endl;
  EXPECT_NE(path.find(alice_to_bob.first_address), std::string::npos) << path;
  EXPECT_NE(path.find(alice_to_bob.second_address), std::string::npos) << path;
}

TEST(RemotePeers, RelayOnlyTransferThroughCoturnWhenPeersCannotReachEachOther) {
  NetworkLab lab;
  auto alice = lab.add_namespace("a");
  auto bob = lab.add_namespace("b");
  auto infrastructure = lab.add_namespace("t");
  // No link between alice and bob, and the middle namespace forwards nothing.
  auto alice_side = lab.connect(alice, infrastructure);
  auto bob_side = lab.connect(bob, infrastructure);
  if (!lab.available()) GTEST_SKIP() << "cannot create network namespaces here (needs root)";

  TurnServer turn(infrastructure, {alice_side.second_address, bob_side.second_address},
                  alice_side.second_address, "rtce:relay-pass");
  ASSERT_TRUE(turn.wait_listening(10s)) << "coturn did not start";
  // This server also wants TLS and a token, as a public one would.
  TestCertificate certificate({alice_side.second_address, bob_side.second_address});
  SignalServerProcess server({"--listen", "0.0.0.0", "--quiet", "--tls-cert", certificate.cert,
                              "--tls-key", certificate.key, "--token", "let-me-in"},
                             infrastructure);

  TempDir source, target;
  constexpr std::size_t kSize = 32u << 20;
  write_random_file(source / "relayed.bin", kSize);
  auto peer_options = [&](const VethLink& link) {
    return std::vector<std::string>{
        "--signal",
        "wss://" + link.second_address + ":" + std::to_string(server.port()) + "/relay",
        "--signal-ca",
        certificate.cert,
        "--signal-token",
        "let-me-in",
        "--ice-server",
        "turn:rtce:relay-pass@" + link.second_address + ":3478",
        "--ice-policy",
        "relay"};
  };
  auto receive = peer_options(alice_side);
  receive.insert(receive.end(), {"receive", target.path().string()});
  auto send = peer_options(bob_side);
  send.insert(send.end(), {"send", (source / "relayed.bin").string()});
  Process receiver(cli_in(alice, receive));
  Process sender(cli_in(bob, send));
  EXPECT_EQ(sender.wait_exit(120s), 0);
  EXPECT_EQ(receiver.wait_exit(30s), 0);
  EXPECT_TRUE(same_content(source / "relayed.bin", target / "relayed.bin"));
  // Both ends of the selected pair are relay candidates on the TURN server.
  for (const Process* peer : {&sender, &receiver}) {
    auto path = path_line(*peer);
    std::cout << path << std::endl;
    static const std::regex relay_pair(R"(path: relay udp \S+ <-> relay udp \S+)");
    EXPECT_TRUE(std::regex_search(path, relay_pair)) << "\"" << path << "\"";
  }
}
