// Two engines meet through a real rtcengine-signal server started by the
// test: they connect, keep their open sockets and a running transfer while
// the server is away, and open new sockets once it is back.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

#include "rtcengine/rtcengine.hpp"
#include "support/engine_pair.hpp"
#include "support/process.hpp"
#include "support/signal_server_process.hpp"
#include "support/test_certificate.hpp"
#include "support/test_data.hpp"
#include "support/wait.hpp"
#include "support/ws_client.hpp"

using namespace rtcengine;
using namespace rtcengine::test;
using namespace std::chrono_literals;

namespace {

std::string server_binary() {
  return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine-signal";
}

// Starts the server on `port` (0: any) and returns the port it listens on.
int start_server(std::unique_ptr<Process>& server, int port = 0) {
  server = std::make_unique<Process>(
      std::vector<std::string>{server_binary(), "--port", std::to_string(port), "--quiet"});
  if (!server->wait_for_line("listening on", 10s)) return -1;
  static const std::regex pattern(R"(listening on wss?://[^:]+:(\d+))");
  for (const auto& line : server->lines()) {
    std::smatch match;
    if (std::regex_search(line, match, pattern)) return std::stoi(match[1]);
  }
  return -1;
}

EnginePtr engine_for(const std::string& url) {
  return Engine::create(std::make_shared<WebSocketSignaler>(url), loopback_options());
}

void expect_round_trip(const SocketPtr& from, const SocketPtr& to, const std::string& text) {
  std::promise<std::string> got;
  auto future = got.get_future();
  auto once = std::make_shared<std::once_flag>();
  to->on_data([&got, once](const Message& message) {
    std::call_once(*once, [&] { got.set_value(message.text()); });
  });
  from->write(text);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready) << text;
  EXPECT_EQ(future.get(), text);
  to->on_data(nullptr);
}

// Collects an engine's errors, and tells whether a SignalingError came.
struct Errors {
  std::mutex mutex;
  std::vector<std::string> texts;
  std::string final_text;

  std::string final_error() {
    std::lock_guard lock(mutex);
    return final_text;
  }
};

std::shared_ptr<Errors> watch_errors(Engine& engine) {
  auto errors = std::make_shared<Errors>();
  engine.on_error([errors](const Error& error) {
    std::lock_guard lock(errors->mutex);
    errors->texts.push_back(error.what());
    if (dynamic_cast<const SignalingError*>(&error)) errors->final_text = error.what();
  });
  return errors;
}

// The engine gave up with a SignalingError saying `expected`, is closed,
// and a socket asked for now fails with that reason instead of waiting.
void expect_closed_by_signaling(Engine& engine, Errors& errors, const std::string& expected,
                                std::chrono::seconds within) {
  ASSERT_TRUE(engine.wait_for(ConnectionState::closed, within)) << "still waiting forever";
  // An error reported before on_error() was called is kept and handed over
  // on the engine's thread, maybe a moment after the state changed.
  EXPECT_TRUE(wait_until([&] { return !errors.final_error().empty(); }, 5s));
  EXPECT_NE(errors.final_error().find(expected), std::string::npos) << errors.final_error();
  auto socket = engine.socket("after");
  ASSERT_EQ(socket.wait_for(5s), std::future_status::ready);
  try {
    socket.get();
    ADD_FAILURE() << "a socket opened on a closed engine";
  } catch (const ClosedError& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  }
}

// A WebSocket "server" that says whatever the test wants to one client.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> script)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this, script = std::move(script)] {
      try {
        boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws(acceptor_.accept());
        ws.accept();
        for (const auto& text : script) ws.write(boost::asio::buffer(text));
        boost::beast::flat_buffer buffer;
        while (true) ws.read(buffer);  // until the client goes
      } catch (const std::exception&) {}
    });
  }
  ~ScriptedServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace

TEST(WebSocketSignaler, TwoEnginesConnectThroughTheServer) {
  std::unique_ptr<Process> server;
  int port = start_server(server);
  ASSERT_GT(port, 0);
  auto url = "ws://127.0.0.1:" + std::to_string(port) + "/room-one";
  auto a = engine_for(url);
  auto b = engine_for(url);
  ASSERT_TRUE(a->wait_for(ConnectionState::connected, 20s));
  ASSERT_TRUE(b->wait_for(ConnectionState::connected, 20s));
  auto first = a->socket("chat");
  auto second = b->socket("chat");
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  expect_round_trip(first.get(), second.get(), "through the server");
}

TEST(WebSocketSignaler, OpenSocketsSurviveTheServerGoingAwayAndNewOnesOpenWhenItIsBack) {
  std::unique_ptr<Process> server;
  int port = start_server(server);
  ASSERT_GT(port, 0);
  auto url = "ws://127.0.0.1:" + std::to_string(port) + "/room-two";
  auto signaler_a = std::make_shared<WebSocketSignaler>(url);
  auto signaler_b = std::make_shared<WebSocketSignaler>(url);
  auto a = Engine::create(signaler_a, loopback_options());
  auto b = Engine::create(signaler_b, loopback_options());
  auto first = a->socket("before");
  auto second = b->socket("before");
  ASSERT_EQ(first.wait_for(20s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(20s), std::future_status::ready);
  auto before_a = first.get();
  auto before_b = second.get();

  // A transfer that is running when the server dies, paced so it is still
  // running after the server is back.
  constexpr std::size_t kChunk = 64 * 1024, kChunks = 160;
  auto content = test_bytes(kChunk * kChunks, 11);
  auto writer_future = a->writable("during", {{"name", "during.bin"}, {"size", content.size()}});
  auto reader_future = b->readable("during");
  ASSERT_EQ(writer_future.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(reader_future.wait_for(10s), std::future_status::ready);
  auto writer = writer_future.get();
  auto reader = reader_future.get();
  std::vector<std::uint8_t> received;
  std::mutex received_mutex;
  reader->on_data([&](std::span<const std::uint8_t> chunk) {
    std::lock_guard lock(received_mutex);
    received.insert(received.end(), chunk.begin(), chunk.end());
  });
  std::thread sender([&] {
    try {
      for (std::size_t i = 0; i < kChunks; ++i) {
        writer->write(content.data() + i * kChunk, kChunk);
        std::this_thread::sleep_for(25ms);  // ~4 s in all
      }
      writer->end();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "writing failed: " << error.what();
    }
  });

  std::this_thread::sleep_for(500ms);
  server->kill(SIGKILL);
  server->wait_exit(5s);
  EXPECT_TRUE(wait_until([&] { return !signaler_a->ready() && !signaler_b->ready(); }));
  EXPECT_EQ(writer->state(), TransferState::running)
      << "the transfer ended before the test could cut the server";
  expect_round_trip(before_a, before_b, "while the server is away");
  expect_round_trip(before_b, before_a, "and back");

  ASSERT_EQ(start_server(server, port), port);
  // Both reconnect on their own and see each other in the room again.
  EXPECT_TRUE(wait_until([&] { return signaler_a->ready() && signaler_b->ready(); }, 20s));
  auto later_a = a->socket("after");
  auto later_b = b->socket("after");
  ASSERT_EQ(later_a.wait_for(30s), std::future_status::ready);
  ASSERT_EQ(later_b.wait_for(30s), std::future_status::ready);
  expect_round_trip(later_a.get(), later_b.get(), "after the server came back");
  EXPECT_EQ(a->state(), ConnectionState::connected);

  sender.join();
  EXPECT_TRUE(writer->wait(30s));
  EXPECT_TRUE(reader->wait(30s));
  std::lock_guard lock(received_mutex);
  EXPECT_TRUE(received == content)
      << "received " << received.size() << " of " << content.size() << " bytes";
}

TEST(WebSocketSignaler, BadUrlsAreRefusedWithTheFieldNamed) {
  for (const char* url :
       {"http://example.invalid/x", "ws://", "ws://127.0.0.1:1", "ws://host:port/r"}) {
    try {
      WebSocketSignaler signaler{std::string(url)};
      ADD_FAILURE() << url << " was accepted";
    } catch (const InvalidOptionError& error) {
      EXPECT_NE(std::string(error.what()).find("url"), std::string::npos) << error.what();
    }
  }
}

TEST(WebSocketSignaler, WssConnectsWithTheServersCertificateAndRefusesAnUntrustedOne) {
  TestCertificate certificate;
  SignalServerProcess server(
      {"--tls-cert", certificate.cert, "--tls-key", certificate.key, "--quiet"});
  auto url = "wss://127.0.0.1:" + std::to_string(server.port()) + "/secure-room";

  WebSocketSignalerOptions trusted;
  trusted.url = url;
  trusted.ca_file = certificate.cert;
  auto a = Engine::create(std::make_shared<WebSocketSignaler>(trusted), loopback_options());
  auto b = Engine::create(std::make_shared<WebSocketSignaler>(trusted), loopback_options());
  auto first = a->socket("chat");
  auto second = b->socket("chat");
  ASSERT_EQ(first.wait_for(20s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(20s), std::future_status::ready);
  expect_round_trip(first.get(), second.get(), "over wss");

  // The system's CAs do not know this certificate: the signaler never
  // becomes ready and says why through the engine's errors.
  std::promise<std::string> failure;
  auto reported = failure.get_future();
  auto once = std::make_shared<std::once_flag>();
  auto untrusting = std::make_shared<WebSocketSignaler>(url + "-other");
  auto c = Engine::create(untrusting, loopback_options());
  c->on_error([&failure, once](const Error& error) {
    std::call_once(*once, [&] { failure.set_value(error.what()); });
  });
  ASSERT_EQ(reported.wait_for(10s), std::future_status::ready);
  EXPECT_NE(reported.get().find("TLS handshake failed"), std::string::npos);
  EXPECT_FALSE(untrusting->ready());
}

// Issue 11, room squatting: two strangers sit silently in the room, so the
// server answers room-full forever. The engine must not wait forever.
TEST(WebSocketSignaler, RoomHeldByTwoSquattersEndsTheEngineWithASignalingError) {
  SignalServerProcess server({"--quiet"});
  WsClient squatter(server.port(), "/squatted");
  WsClient accomplice(server.port(), "/squatted");
  auto engine = engine_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/squatted");
  auto errors = watch_errors(*engine);
  // Room-full is retried for 10 s (a client's own old connection may still
  // be in the room); then it is final.
  expect_closed_by_signaling(*engine, *errors, "room \"squatted\": still full", 60s);
}

TEST(WebSocketSignaler, RoomOpenedWithAnotherSecretEndsTheEngine) {
  SignalServerProcess server({"--quiet"});
  WsClient squatter(server.port(), "/private?secret=theirs");
  auto engine =
      engine_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/private?secret=ours");
  auto errors = watch_errors(*engine);
  expect_closed_by_signaling(*engine, *errors, "wrong-secret", 20s);
}

// The other half of squatting: the real user who did get in sits with a
// silent stranger. When its real peer is turned away, it is told too.
TEST(WebSocketSignaler, MemberPairedWithASilentSquatterLearnsItsPeerWasTurnedAway) {
  SignalServerProcess server({"--quiet"});
  std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/taken";
  WsClient squatter(server.port(), "/taken");
  auto signaler = std::make_shared<WebSocketSignaler>(url);
  auto engine = Engine::create(signaler, loopback_options());
  auto errors = watch_errors(*engine);
  ASSERT_TRUE(wait_until([&] { return signaler->ready(); }));
  WsClient turned_away(server.port(), "/taken");
  expect_closed_by_signaling(*engine, *errors, "another client tried to join", 20s);
}

TEST(WebSocketSignaler, UpgradeRefusedForABadRoomNameIsFinal) {
  SignalServerProcess server({"--quiet"});
  auto engine = engine_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/..");
  auto errors = watch_errors(*engine);
  expect_closed_by_signaling(*engine, *errors, "HTTP 400", 20s);
}

// Whatever a server (or anyone in the middle of ws://) sends, the shared
// I/O thread must not throw: a wrong type used to end the process.
TEST(WebSocketSignaler, MalformedServerMessagesAreReportedNotFatal) {
  ScriptedServer server({R"({"type":7})", R"({"type":"room","event":5})",
                         R"({"type":"room","event":"welcome","peer_present":"yes"})",
                         R"({"type":"room","event":"error","code":["x"]})",
                         R"({"type":"x","n":1})"});
  auto signaler =
      std::make_shared<WebSocketSignaler>("ws://127.0.0.1:" + std::to_string(server.port()) + "/r");
  std::promise<Json> delivered;
  auto arrived = delivered.get_future();
  signaler->on("x", [&delivered](const Json& message) { delivered.set_value(message); });
  ASSERT_EQ(arrived.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(arrived.get()["n"], 1);
  signaler->close();
}

// The server's words reach a terminal through the CLI: no escape sequence
// (window title, colours, cursor moves) may travel with them.
TEST(WebSocketSignaler, ServerTextIsReportedWithoutControlCharacters) {
  ScriptedServer server(
      {R"({"type":"room","event":"error","code":"wrong-secret","message":"\u001b]0;owned\u0007\u009b2J\r\ndone f verified"})"});
  auto signaler =
      std::make_shared<WebSocketSignaler>("ws://127.0.0.1:" + std::to_string(server.port()) + "/r");
  std::promise<std::string> reported;
  auto text = reported.get_future();
  signaler->on_error([&reported](const Error& error) {
    if (dynamic_cast<const SignalingError*>(&error)) reported.set_value(error.what());
  });
  ASSERT_EQ(text.wait_for(10s), std::future_status::ready);
  std::string message = text.get();
  EXPECT_NE(message.find("wrong-secret"), std::string::npos) << message;
  for (unsigned char byte : message) EXPECT_TRUE(byte >= 0x20 && byte != 0x7F) << message;
  EXPECT_EQ(message.find("\xC2\x9B"), std::string::npos) << message;
  signaler->close();
}
