// rtcengine-signal as a real process, spoken to by real WebSocket clients:
// relay, presence, limits, authentication, /healthz and shutdown.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "support/signal_server_process.hpp"
#include "support/wait.hpp"
#include "support/ws_client.hpp"

using namespace rtcengine::test;
using rtcengine::test::wait_until;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json room_event(WsClient& client) {
  json message = client.receive_json();
  EXPECT_EQ(message["type"], "room") << message.dump();
  return message;
}

// Reads until an error event arrives (skipping relayed messages and no-peer
// replies) and returns its code; then expects the server to close.
std::string error_then_close(WsClient& client, std::uint16_t expected_close) {
  std::string code;
  while (auto text = client.receive(10s)) {
    json message = json::parse(*text, nullptr, false);
    if (message.is_object() && message.value("event", "") == "error" &&
        message.value("code", "") != "no-peer") {
      code = message.value("code", "");
    }
  }
  EXPECT_TRUE(client.closed().has_value());
  if (client.closed()) {
    EXPECT_EQ(client.closed()->code, expected_close) << code;
  }
  return code;
}

// A plain TCP connection for what a WebSocket client would never send:
// nothing at all, oversized headers, garbage.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, const std::string& source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      throw std::runtime_error("connect: " + std::string(std::strerror(errno)));
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // What arrived until the server closed (or `timeout` passed, or
  // `enough` arrived).
  std::string read_until_closed(std::chrono::milliseconds timeout = 15s,
                                const std::string& enough = "") {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd ready{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) {
        closed_ = true;
        break;
      }
      text.append(chunk, static_cast<std::size_t>(got));
      if (!enough.empty() && text.find(enough) != std::string::npos) break;
    }
    return text;
  }

  // Without waiting: what has arrived so far, and whether the server closed.
  std::string read_available() {
    std::string text;
    char chunk[4096];
    while (true) {
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (got > 0) {
        text.append(chunk, static_cast<std::size_t>(got));
        continue;
      }
      if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed_ = true;
      return text;
    }
  }

  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

const std::string upgrade_headers =
    "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

// The status the server answers a WebSocket upgrade for `room` with.
std::string upgrade_status(std::uint16_t port, const std::string& room,
                           const std::string& source = "127.0.0.1") {
  RawConnection connection(port, source);
  connection.send("GET /" + room + " HTTP/1.1\r\n" + upgrade_headers + "\r\n");
  return status_line(connection.read_until_closed(5s, "\r\n\r\n"));
}

// Room for more descriptors than the default soft limit of 1024.
void raise_open_file_limit(std::size_t wanted) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < wanted) GTEST_SKIP() << "needs " << wanted << " descriptors";
}

struct Pair {
  std::unique_ptr<WsClient> first;
  std::unique_ptr<WsClient> second;
};

// Two members of `room`, past their presence events.
Pair join_pair(std::uint16_t port, const std::string& room) {
  Pair pair{std::make_unique<WsClient>(port, "/" + room), nullptr};
  EXPECT_EQ(room_event(*pair.first)["peer_present"], false);
  pair.second = std::make_unique<WsClient>(port, "/" + room);
  EXPECT_EQ(room_event(*pair.second)["peer_present"], true);
  EXPECT_EQ(room_event(*pair.first)["event"], "peer-joined");
  return pair;
}

}  // namespace

TEST(SignalServer, RelaysBothWaysUnchangedWithPresenceEvents) {
  SignalServerProcess server;
  WsClient alice(server.port(), "/meeting");
  json welcome = room_event(alice);
  EXPECT_EQ(welcome["event"], "welcome");
  EXPECT_EQ(welcome["peer_present"], false);

  WsClient bob(server.port(), "/meeting");
  EXPECT_EQ(room_event(bob)["peer_present"], true);
  EXPECT_EQ(room_event(alice)["event"], "peer-joined");

  // Odd spacing, key order and escapes must survive byte for byte.
  const std::string offer =
      R"({ "type" : "description","description":{"type":"offer","sdp":"v=0\r\n"},"z":1.50,"a":"\u00e9"})";
  const std::string candidate = R"({"type":"icecandidate","candidate":null})";
  ASSERT_TRUE(alice.send_text(offer));
  EXPECT_EQ(bob.receive(), offer);
  ASSERT_TRUE(bob.send_text(candidate));
  EXPECT_EQ(alice.receive(), candidate);

  bob.close();
  EXPECT_EQ(room_event(alice)["event"], "peer-left");
}

TEST(SignalServer, MessageWithoutPeerGetsNoPeerAndTheConnectionStays) {
  SignalServerProcess server;
  WsClient alice(server.port(), "/lonely");
  room_event(alice);
  ASSERT_TRUE(alice.send_text(R"({"type":"role","seed":0.5})"));
  json reply = room_event(alice);
  EXPECT_EQ(reply["event"], "error");
  EXPECT_EQ(reply["code"], "no-peer");

  WsClient bob(server.port(), "/lonely");
  room_event(bob);
  EXPECT_EQ(room_event(alice)["event"], "peer-joined");
  ASSERT_TRUE(alice.send_text(R"({"type":"role","seed":0.5})"));
  EXPECT_EQ(bob.receive(), R"({"type":"role","seed":0.5})");
}

TEST(SignalServer, ThirdJoinerGetsRoomFull) {
  SignalServerProcess server;
  auto pair = join_pair(server.port(), "full");
  WsClient third(server.port(), "/full");
  EXPECT_EQ(error_then_close(third, 1008), "room-full");
  // Both members learn that someone was turned away (a member paired with a
  // silent squatter needs to know its real peer is locked out).
  for (auto* member : {pair.first.get(), pair.second.get()}) {
    json notice = room_event(*member);
    EXPECT_EQ(notice["event"], "join-refused");
    EXPECT_EQ(notice["code"], "room-full");
  }

  ASSERT_TRUE(pair.first->send_text(R"({"type":"x"})"));
  EXPECT_EQ(pair.second->receive(), R"({"type":"x"})");
}

TEST(SignalServer, OversizedMessageIsRefusedAndOtherRoomsKeepWorking) {
  SignalServerProcess server;
  auto big = join_pair(server.port(), "big");
  auto other = join_pair(server.port(), "other");

  std::string at_limit = R"({"type":"x","pad":")";
  at_limit += std::string(65536 - at_limit.size() - 2, 'a') + "\"}";
  ASSERT_EQ(at_limit.size(), 65536u);
  ASSERT_TRUE(big.first->send_text(at_limit));
  EXPECT_EQ(big.second->receive(), at_limit);

  std::string too_big = R"({"type":"x","pad":")" + std::string(100000, 'a') + "\"}";
  big.first->send_text(too_big);
  EXPECT_EQ(error_then_close(*big.first, 1009), "too-large");
  EXPECT_EQ(room_event(*big.second)["event"], "peer-left");

  ASSERT_TRUE(other.first->send_text(R"({"type":"still-here"})"));
  EXPECT_EQ(other.second->receive(), R"({"type":"still-here"})");
}

TEST(SignalServer, FloodIsRateLimited) {
  SignalServerProcess server;
  auto pair = join_pair(server.port(), "flood");
  for (int i = 0; i < 300; ++i) {
    if (!pair.first->send_text(R"({"type":"spam","n":)" + std::to_string(i) + "}")) break;
  }
  EXPECT_EQ(error_then_close(*pair.first, 1008), "rate-limited");
  // The burst of 100 went through before the limit applied.
  int relayed = 0;
  while (true) {
    json message = pair.second->receive_json();
    if (message["type"] == "room") {
      EXPECT_EQ(message["event"], "peer-left");
      break;
    }
    ++relayed;
  }
  EXPECT_GE(relayed, 100);
  EXPECT_LT(relayed, 300);
}

TEST(SignalServer, GarbageAndBinaryAreBadMessages) {
  SignalServerProcess server;
  for (const std::string text : {"not json", "[1,2]", R"({"type":7})", R"({"type":"room"})",
                                 R"({"kind":"x"})", R"({"type":"x"} trailing)"}) {
    WsClient client(server.port(), "/garbage");
    room_event(client);
    client.send_text(text);
    EXPECT_EQ(error_then_close(client, 1003), "bad-message") << text;
  }
  WsClient client(server.port(), "/garbage");
  room_event(client);
  client.send_binary(R"({"type":"x"})");
  EXPECT_EQ(error_then_close(client, 1003), "bad-message");
}

TEST(SignalServer, TokenIsRequiredWhenConfigured) {
  SignalServerProcess server({"--token", "s3cret token"});
  WsClient missing(server.port(), "/locked");
  EXPECT_EQ(error_then_close(missing, 1008), "unauthorized");
  WsClient wrong(server.port(), "/locked?token=guess");
  EXPECT_EQ(error_then_close(wrong, 1008), "unauthorized");

  WsClient query(server.port(), "/locked?token=s3cret%20token");
  EXPECT_EQ(room_event(query)["event"], "welcome");
  WsClient header(server.port(), "/locked", {{"Authorization", "Bearer s3cret token"}});
  EXPECT_EQ(room_event(header)["peer_present"], true);
}

TEST(SignalServer, SecondJoinerWithAnotherSecretIsRefused) {
  SignalServerProcess server;
  WsClient first(server.port(), "/private?secret=apple");
  room_event(first);
  WsClient intruder(server.port(), "/private?secret=pear");
  EXPECT_EQ(error_then_close(intruder, 1008), "wrong-secret");
  WsClient none(server.port(), "/private");
  EXPECT_EQ(error_then_close(none, 1008), "wrong-secret");
  WsClient friendly(server.port(), "/private?secret=apple");
  EXPECT_EQ(room_event(friendly)["peer_present"], true);
}

TEST(SignalServer, HealthzAndPlainHttp) {
  SignalServerProcess server;
  auto reply = http_get(server.port(), "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body), json::parse(R"({"status":"ok","rooms":0,"connections":0})"));

  auto pair = join_pair(server.port(), "one");
  WsClient single(server.port(), "/two");
  room_event(single);
  reply = http_get(server.port(), "/healthz");
  EXPECT_EQ(json::parse(reply.body), json::parse(R"({"status":"ok","rooms":2,"connections":3})"));

  EXPECT_EQ(http_get(server.port(), "/one").status, 426);
  EXPECT_EQ(http_get(server.port(), "/no/such/thing").status, 404);
  EXPECT_EQ(http_get(server.port(), "/bad%20room", true).status, 400);
  EXPECT_EQ(http_get(server.port(), "/" + std::string(65, 'r'), true).status, 400);
  EXPECT_EQ(http_get(server.port(), "/" + std::string(64, 'r'), true).status, 101);
}

TEST(SignalServer, IdleRoomIsClosed) {
  SignalServerProcess server({"--idle-room-seconds", "1"});
  auto pair = join_pair(server.port(), "sleepy");
  EXPECT_EQ(error_then_close(*pair.first, 1001), "idle");
  EXPECT_EQ(error_then_close(*pair.second, 1001), "idle");
}

TEST(SignalServer, SlowConsumerIsDisconnected) {
  SignalServerProcess server({"--max-queued-bytes", "200000", "--max-messages-per-second", "100000",
                              "--message-burst", "100000"});
  auto pair = join_pair(server.port(), "slow");
  // The second member reads nothing until the kernel buffers and then the
  // server's queue for it are full.
  std::string chunk = R"({"type":"x","pad":")" + std::string(60000, 'a') + "\"}";
  for (int i = 0; i < 1000; ++i) {
    if (!pair.first->send_text(chunk, 2s)) break;
    if (i % 50 == 49 &&
        http_get(server.port(), "/healthz").body.find("\"rooms\":0") != std::string::npos) {
      break;  // the server already let the slow member go
    }
  }
  // The notice is queued behind frames the slow member never read: it gets
  // it only if it starts reading within the server's close grace (2 s),
  // which a loaded machine does not promise. Either way it is cut off.
  std::string code;
  while (auto text = pair.second->receive(10s)) {
    json message = json::parse(*text, nullptr, false);
    if (message.is_object() && message.value("event", "") == "error")
      code = message.value("code", "");
  }
  ASSERT_TRUE(pair.second->closed().has_value()) << "the slow member is still connected";
  if (!code.empty()) {
    EXPECT_EQ(code, "slow-consumer");
    EXPECT_EQ(pair.second->closed()->code, 1008);
  }
  EXPECT_EQ(json::parse(http_get(server.port(), "/healthz").body)["connections"], 1);
  // The fast member stays connected and learns that its peer left.
  json event;
  do event = pair.first->receive_json();
  while (event["event"] != "peer-left");
}

TEST(SignalServer, SigtermSendsShuttingDownAndExitsZero) {
  SignalServerProcess server;
  auto pair = join_pair(server.port(), "bye");
  auto started = std::chrono::steady_clock::now();
  server.process().kill(SIGTERM);
  EXPECT_EQ(error_then_close(*pair.first, 1001), "shutting-down");
  EXPECT_EQ(error_then_close(*pair.second, 1001), "shutting-down");
  EXPECT_EQ(server.process().wait_exit(3s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(SignalServer, ConnectionsCountFromAcceptSoSilentOnesFillTheServer) {
  SignalServerProcess server({"--max-connections", "10"});
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 10; ++i) silent.push_back(std::make_unique<RawConnection>(server.port()));
  // Accepted in order: the ten silent ones hold every slot when this one comes.
  EXPECT_EQ(upgrade_status(server.port(), "full-of-silence"), "HTTP/1.1 503 Service Unavailable");

  silent.clear();
  ASSERT_TRUE(wait_until([&] {
    return upgrade_status(server.port(), "again") == "HTTP/1.1 101 Switching Protocols";
  }));
  WsClient client(server.port(), "/after");
  EXPECT_EQ(room_event(client)["event"], "welcome");
}

TEST(SignalServer, ConnectionsPerAddressAreCapped) {
  SignalServerProcess server({"--max-connections-per-address", "3"});
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 3; ++i) silent.push_back(std::make_unique<RawConnection>(server.port()));
  EXPECT_EQ(upgrade_status(server.port(), "capped"), "HTTP/1.1 503 Service Unavailable");

  // Other addresses are not held back by this one.
  WsClient alice(server.port(), "/capped", {}, "127.0.0.2");
  EXPECT_EQ(room_event(alice)["event"], "welcome");
  WsClient bob(server.port(), "/capped", {}, "127.0.0.3");
  EXPECT_EQ(room_event(bob)["peer_present"], true);
}

// The issue's reproduction: 1,100 silent connections against a server with
// 1,024 descriptors used to stall every client until they timed out (the
// server could not accept), then close them all without a word.
TEST(SignalServer, SilentFloodNeitherLocksOutRealClientsNorIsDroppedWithoutAnAnswer) {
  raise_open_file_limit(4096);
  SignalServerProcess server({}, "", 1024);
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 1100; ++i) silent.push_back(std::make_unique<RawConnection>(server.port()));

  WsClient alice(server.port(), "/real", {}, "127.0.0.2");
  EXPECT_EQ(room_event(alice)["event"], "welcome");
  WsClient bob(server.port(), "/real", {}, "127.0.0.3");
  EXPECT_EQ(room_event(bob)["peer_present"], true);
  ASSERT_TRUE(alice.send_text(R"({"type":"x"})"));
  EXPECT_EQ(bob.receive(), R"({"type":"x"})");

  // Each silent connection is still open or was answered: 503 at once when
  // over the limits, 408 once its time to send a request ran out.
  int answered = 0;
  int dropped = 0;
  int open = 0;
  for (auto& connection : silent) {
    std::string status = status_line(connection->read_available());
    if (status == "HTTP/1.1 503 Service Unavailable" || status == "HTTP/1.1 408 Request Timeout") {
      ++answered;
    } else if (connection->closed()) {
      ++dropped;
    } else {
      ++open;
    }
  }
  std::cout << "silent connections: " << answered << " answered, " << open << " still open, "
            << dropped << " dropped without an answer" << std::endl;
  EXPECT_EQ(dropped, 0) << "silent connections closed without an answer";
  EXPECT_GT(answered, 0);
}

TEST(SignalServer, SilentConnectionIsAnswered408) {
  SignalServerProcess server;
  RawConnection silent(server.port());
  std::string response = silent.read_until_closed(15s);
  EXPECT_EQ(status_line(response), "HTTP/1.1 408 Request Timeout");
  EXPECT_TRUE(silent.closed());
}

TEST(SignalServer, OversizedHeadersAreAnswered431AndGarbage400) {
  SignalServerProcess server;
  RawConnection big(server.port());
  big.send("GET /room HTTP/1.1\r\n" + upgrade_headers + "X-Padding: " + std::string(10000, 'p') +
           "\r\n\r\n");
  EXPECT_EQ(status_line(big.read_until_closed(5s)), "HTTP/1.1 431 Request Header Fields Too Large");

  RawConnection garbage(server.port());
  garbage.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(status_line(garbage.read_until_closed(5s)), "HTTP/1.1 400 Bad Request");
}

TEST(SignalServer, RoomNamesOfOnlyDotsAreRefused) {
  SignalServerProcess server;
  for (const std::string room : {".", "..", "..."}) {
    EXPECT_EQ(upgrade_status(server.port(), room), "HTTP/1.1 400 Bad Request") << room;
  }
  EXPECT_EQ(upgrade_status(server.port(), "a..b"), "HTTP/1.1 101 Switching Protocols");
}
