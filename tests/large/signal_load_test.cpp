// rtcengine-signal under load: 2,000 WebSocket clients in 1,000 rooms on one
// server thread. Every message must reach the other member of its own room,
// in order; prints relay latency and the server's peak memory.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>

#include "support/signal_server_process.hpp"
#include "support/ws_client.hpp"

using namespace rtcengine::test;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRooms = 1000;
constexpr int kMessagesPerMember = 50;  // 100 relayed per room, 50 each way
// 10 messages a second per client: well under the server's default limit.
constexpr auto kSendInterval = 100ms;
constexpr int kConcurrentHandshakes = 100;

struct LoadStats {
  int connected = 0;
  int finished = 0;
  int errors = 0;     // error events, failed connections, dropped connections
  int misrouted = 0;  // a message from another room or out of order
  std::vector<std::int64_t> latencies_us;
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

// One member of one room: waits for its peer, then sends a numbered message
// every kSendInterval and checks what arrives from the peer.
class LoadClient : public std::enable_shared_from_this<LoadClient> {
 public:
  LoadClient(boost::asio::io_context& io, int room, int side, LoadStats& stats)
      : ws_(io), timer_(io), room_(room), side_(side), stats_(stats) {}

  void start(std::uint16_t port, std::function<void()> on_handshake) {
    on_handshake_ = std::move(on_handshake);
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
        [self = shared_from_this(), port](beast::error_code error) {
          if (error) return self->broken();
          beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true));
          self->ws_.async_handshake("127.0.0.1:" + std::to_string(port),
                                    "/load-" + std::to_string(self->room_),
                                    [self](beast::error_code handshake_error) {
                                      self->on_handshake_();
                                      if (handshake_error) return self->broken();
                                      ++self->stats_.connected;
                                      self->read_next();
                                    });
        });
  }

 private:
  void read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->broken();
      self->on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.clear();
      self->read_next();
    });
  }

  void on_message(const std::string& text) {
    auto message = nlohmann::json::parse(text);
    if (message["type"] == "room") {
      std::string event = message["event"];
      if (event == "error") {
        ++stats_.errors;
        std::cerr << "room " << room_ << ": " << text << "\n";
      } else if ((event == "welcome" && message["peer_present"] == true) ||
                 event == "peer-joined") {
        send_next();
      }
      return;
    }
    if (message["room"] != room_ || message["side"] == side_ || message["seq"] != received_) {
      ++stats_.misrouted;
    }
    stats_.latencies_us.push_back(now_us() - message["sent_us"].get<std::int64_t>());
    ++received_;
    check_finished();
  }

  void send_next() {
    if (sent_ == kMessagesPerMember) return;
    nlohmann::json message{
        {"type", "load"}, {"room", room_}, {"side", side_}, {"seq", sent_}, {"sent_us", now_us()}};
    ++sent_;
    outgoing_.push_back(message.dump());
    if (outgoing_.size() == 1) write_front();
    timer_.expires_after(kSendInterval);
    timer_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (!error) self->send_next();
    });
    check_finished();
  }

  void write_front() {
    ws_.async_write(boost::asio::buffer(outgoing_.front()),
                    [self = shared_from_this()](beast::error_code error, std::size_t) {
                      if (error) return self->broken();
                      self->outgoing_.pop_front();
                      if (!self->outgoing_.empty()) self->write_front();
                    });
  }

  void check_finished() {
    if (!finished_ && sent_ == kMessagesPerMember && received_ == kMessagesPerMember) {
      finished_ = true;
      ++stats_.finished;
    }
  }

  void broken() {
    if (!finished_ && !broken_) ++stats_.errors;
    broken_ = true;
  }

  websocket::stream<beast::tcp_stream> ws_;
  boost::asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outgoing_;
  std::function<void()> on_handshake_;
  int room_;
  int side_;
  int sent_ = 0;
  int received_ = 0;
  bool finished_ = false;
  bool broken_ = false;
  LoadStats& stats_;
};

// Lets the test and the server it starts hold a few thousand sockets.
void raise_open_file_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::string peak_rss(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return line.substr(6);
  }
  return "unknown";
}

std::int64_t percentile(std::vector<std::int64_t>& values, double fraction) {
  if (values.empty()) return -1;
  auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

}  // namespace

TEST(SignalServerLoad, TwoThousandConnectionsInAThousandRooms) {
  raise_open_file_limit();
  // Every client comes from 127.0.0.1: lift the per-address cap (64).
  SignalServerProcess server({"--quiet", "--max-connections-per-address", "10000"});
  boost::asio::io_context io;
  LoadStats stats;
  stats.latencies_us.reserve(kRooms * kMessagesPerMember * 2);

  // Every room's first member, then every second member; a bounded number
  // of handshakes at a time so the listen backlog never overflows.
  std::vector<std::shared_ptr<LoadClient>> clients;
  for (int side = 0; side < 2; ++side) {
    for (int room = 0; room < kRooms; ++room) {
      clients.push_back(std::make_shared<LoadClient>(io, room, side, stats));
    }
  }
  std::size_t next = 0;
  std::function<void()> start_next = [&] {
    if (next == clients.size()) return;
    clients[next++]->start(server.port(), start_next);
  };
  auto started = Clock::now();
  for (int i = 0; i < kConcurrentHandshakes; ++i) start_next();

  bool checked_health = false;
  const auto deadline = started + 50s;
  while (stats.finished < 2 * kRooms && stats.errors == 0 && Clock::now() < deadline) {
    io.run_for(100ms);
    if (!checked_health && stats.connected == 2 * kRooms) {
      checked_health = true;
      auto health = nlohmann::json::parse(http_get(server.port(), "/healthz").body);
      EXPECT_EQ(health["rooms"], kRooms);
      EXPECT_EQ(health["connections"], 2 * kRooms);
    }
  }
  auto elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  EXPECT_EQ(stats.connected, 2 * kRooms);
  EXPECT_EQ(stats.errors, 0);
  EXPECT_EQ(stats.misrouted, 0);
  EXPECT_EQ(stats.finished, 2 * kRooms);
  EXPECT_EQ(stats.latencies_us.size(), static_cast<std::size_t>(kRooms * kMessagesPerMember * 2));

  auto rss = peak_rss(server.process().pid());
  auto p50 = percentile(stats.latencies_us, 0.50);
  auto p99 = percentile(stats.latencies_us, 0.99);
  std::cout << "signal load: " << 2 * kRooms << " connections, " << kRooms << " rooms, "
            << stats.latencies_us.size() << " messages relayed in " << elapsed << " s\n"
            << "signal load: relay latency p50 " << p50 << " us, p99 " << p99 << " us\n"
            << "signal load: server peak RSS (VmHWM)" << rss << std::endl;

  server.process().kill(SIGTERM);
  EXPECT_EQ(server.process().wait_exit(5s), 0);
}
