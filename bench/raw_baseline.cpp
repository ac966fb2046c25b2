// The baseline: raw libwebrtc, two processes over loopback, one data channel,
// the same factory settings RTCEngine uses (loopback allowed). The parent
// sends; the child (this program again, started by the parent) receives,
// echoes pings and reports through a socket pair, which also carries the
// signaling. Everything is sent from libwebrtc's signaling thread, driven by
// its own callbacks, so no call hops threads: the stack at its best.
// Prints one JSON object with what the engine benchmark measures too.
//   raw_baseline [--megabytes N] [--round-trips N] [--messages N] [--repeat N]
#include <api/call/call_factory_interface.h>
#include <api/create_peerconnection_factory.h>
#include <api/peer_connection_interface.h>
#include <api/rtc_event_log/rtc_event_log_factory.h>
#include <api/task_queue/default_task_queue_factory.h>
#include <call/call_factory.h>
#include <rtc_base/logging.h>
#include <rtc_base/ssl_adapter.h>
#include <rtc_base/thread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "peer_process.hpp"
#include "statistics.hpp"

using namespace webrtc;
using SteadyClock = std::chrono::steady_clock;
using bench::median;
using bench::percentile;
using nlohmann::json;

namespace {

struct SetLocalObserver : SetLocalDescriptionObserverInterface {
  std::function<void()> done;
  void OnSetLocalDescriptionComplete(RTCError) override { done(); }
};
struct SetRemoteObserver : SetRemoteDescriptionObserverInterface {
  std::function<void(RTCError)> done;
  void OnSetRemoteDescriptionComplete(RTCError error) override { done(error); }
};

// One side: negotiates with the other process over the socket pair, and
// counts or echoes what arrives. Everything here runs on the signaling thread.
struct Peer : PeerConnectionObserver, DataChannelObserver {
  bench::LineChannel* link = nullptr;
  rtc::scoped_refptr<PeerConnectionInterface> connection;
  rtc::scoped_refptr<DataChannelInterface> channel;
  std::atomic<bool> open{false};
  bool echo = false;

  // Receiving side: counts, and the totals the sender said to report.
  std::uint64_t received_bytes = 0, received_messages = 0;
  std::uint64_t expected_bytes = 0, expected_messages = 0;

  // Sending, on the signaling thread only: `remaining` messages of
  // `payload`, keeping libwebrtc's buffer under 8 MiB (RTCEngine's default).
  std::string payload;
  bool binary = true;
  std::uint64_t remaining = 0;
  std::uint64_t sent_bytes = 0, sent_messages = 0;
  // Ping-pong: when a reply arrives, the next ping goes out at once.
  int pings_left = 0;
  SteadyClock::time_point ping_sent;
  std::vector<double> trips_us;
  std::atomic<bool> pings_done{false};

  bool pumping = false;
  void pump() {
    // Send() calls OnBufferedAmountChange() itself; the outer loop goes on.
    if (pumping) return;
    pumping = true;
    while (remaining > 0 && channel->buffered_amount() <= (8u << 20)) {
      --remaining;
      send(payload, binary);
    }
    pumping = false;
  }
  void send(const std::string& bytes, bool as_binary) {
    sent_bytes += bytes.size();
    ++sent_messages;
    channel->Send(DataBuffer(rtc::CopyOnWriteBuffer(bytes.data(), bytes.size()), as_binary));
  }
  void send_ping() {
    ping_sent = SteadyClock::now();
    send(payload, false);
  }
  void report_if_reached() {
    if (expected_bytes && received_bytes >= expected_bytes) {
      expected_bytes = 0;
      link->send({{"received", "bytes"}});
    }
    if (expected_messages && received_messages >= expected_messages) {
      expected_messages = 0;
      link->send({{"received", "messages"}});
    }
  }

  // A line from the other process.
  void on_line(const json& line) {
    if (line.contains("sdp")) {
      on_remote(line["type"] == "offer" ? SdpType::kOffer : SdpType::kAnswer, line["sdp"]);
    } else if (line.contains("candidate")) {
      std::unique_ptr<IceCandidateInterface> candidate(CreateIceCandidate(
          line["mid"], line["index"], line["candidate"].get<std::string>(), nullptr));
      if (candidate) connection->AddIceCandidate(std::move(candidate), [](RTCError) {});
    } else if (line.contains("expect_bytes")) {
      expected_bytes = line["expect_bytes"];
      report_if_reached();
    } else if (line.contains("expect_messages")) {
      expected_messages = line["expect_messages"];
      report_if_reached();
    } else if (line.contains("echo")) {
      echo = line["echo"];
      link->send({{"echoing", echo}});
    }
  }

  void OnSignalingChange(PeerConnectionInterface::SignalingState) override {}
  void OnIceGatheringChange(PeerConnectionInterface::IceGatheringState) override {}
  void OnDataChannel(rtc::scoped_refptr<DataChannelInterface> incoming) override {
    channel = incoming;
    channel->RegisterObserver(this);
  }
  void OnNegotiationNeededEvent(uint32_t) override {
    auto observer = rtc::make_ref_counted<SetLocalObserver>();
    observer->done = [this] { forward_local(); };
    connection->SetLocalDescription(observer);
  }
  void forward_local() {
    std::string sdp;
    connection->local_description()->ToString(&sdp);
    bool offer = connection->local_description()->GetType() == SdpType::kOffer;
    link->send({{"type", offer ? "offer" : "answer"}, {"sdp", sdp}});
  }
  void on_remote(SdpType type, const std::string& sdp) {
    auto observer = rtc::make_ref_counted<SetRemoteObserver>();
    observer->done = [this, type](RTCError error) {
      if (!error.ok() || type != SdpType::kOffer) return;
      auto answer = rtc::make_ref_counted<SetLocalObserver>();
      answer->done = [this] { forward_local(); };
      connection->SetLocalDescription(answer);
    };
    connection->SetRemoteDescription(CreateSessionDescription(type, sdp), observer);
  }
  void OnIceCandidate(const IceCandidateInterface* candidate) override {
    std::string text;
    candidate->ToString(&text);
    link->send({{"candidate", text},
                {"mid", candidate->sdp_mid()},
                {"index", candidate->sdp_mline_index()}});
  }
  void OnStateChange() override {
    if (channel->state() == DataChannelInterface::kOpen) open = true;
  }
  void OnMessage(const DataBuffer& buffer) override {
    received_bytes += buffer.size();
    ++received_messages;
    if (echo) channel->Send(buffer);
    if (pings_left > 0) {
      trips_us.push_back(
          std::chrono::duration<double, std::micro>(SteadyClock::now() - ping_sent).count());
      if (--pings_left > 0) {
        send_ping();
      } else {
        pings_done = true;
      }
    }
    report_if_reached();
  }
  void OnBufferedAmountChange(uint64_t) override { pump(); }
};

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t megabytes = arg(argc, argv, "--megabytes", 256);
  const int round_trips = arg(argc, argv, "--round-trips", 2000);
  const int messages = arg(argc, argv, "--messages", 100000);
  const int repeat = std::max(1, arg(argc, argv, "--repeat", 1));
  const int channel_fd = arg(argc, argv, "--channel-fd", -1);
  const bool receiver = channel_fd >= 0;
  pid_t child = -1;
  int link_fd = channel_fd;
  if (!receiver) std::tie(child, link_fd) = bench::spawn_self({"--receiver"});
  if (link_fd < 0) {
    std::fprintf(stderr, "raw_baseline: could not start the receiving process\n");
    return 1;
  }
  bench::LineChannel link(link_fd);

  rtc::LogMessage::LogToDebug(rtc::LS_NONE);
  rtc::InitializeSSL();
  auto network = rtc::Thread::CreateWithSocketServer();
  network->Start();
  auto worker = rtc::Thread::Create();
  worker->Start();
  auto signaling = rtc::Thread::Create();
  signaling->Start();
  PeerConnectionFactoryDependencies deps;
  deps.network_thread = network.get();
  deps.worker_thread = worker.get();
  deps.signaling_thread = signaling.get();
  deps.task_queue_factory = CreateDefaultTaskQueueFactory();
  deps.call_factory = CreateCallFactory();
  deps.event_log_factory = std::make_unique<RtcEventLogFactory>(deps.task_queue_factory.get());
  auto factory = CreateModularPeerConnectionFactory(std::move(deps));
  PeerConnectionFactoryInterface::Options factory_options;
  factory_options.network_ignore_mask = 0;  // loopback, as RTCEngine allows it
  factory->SetOptions(factory_options);

  Peer peer;
  peer.link = &link;
  PeerConnectionInterface::RTCConfiguration config;
  config.sdp_semantics = SdpSemantics::kUnifiedPlan;
  peer.connection =
      factory->CreatePeerConnectionOrError(config, PeerConnectionDependencies(&peer)).MoveValue();

  // The other process's lines; replies to the sender's questions land here.
  std::atomic<int> bytes_reports{0}, message_reports{0}, echo_changes{0};
  std::thread reader([&] {
    while (auto line = link.receive()) {
      if (line->contains("received")) {
        ((*line)["received"] == "bytes" ? bytes_reports : message_reports)++;
      } else if (line->contains("echoing")) {
        ++echo_changes;
      } else {
        signaling->PostTask([&peer, line = *line] { peer.on_line(line); });
      }
    }
    // The sender is gone: the receiver's work is over.
    if (receiver) std::_Exit(0);
  });
  if (receiver) {
    reader.join();
    return 0;
  }
  auto wait_for = [](std::atomic<int>& counter, int value) {
    while (counter < value) std::this_thread::sleep_for(std::chrono::microseconds(100));
  };

  json result{{"program", "raw libwebrtc, two processes, sends on the signaling thread"}};
  auto open_started = SteadyClock::now();
  signaling->BlockingCall([&] {
    DataChannelInit init;
    peer.channel = peer.connection->CreateDataChannelOrError("bench", &init).MoveValue();
    peer.channel->RegisterObserver(&peer);
  });
  while (!peer.open) std::this_thread::sleep_for(std::chrono::microseconds(200));
  result["open_ms"] =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - open_started).count();

  // Throughput: binary messages of each size, pumped by the sender's
  // callbacks, timed until the receiver reports having them all.
  // Each size `repeat` times, the median kept (see engine_bench.cpp).
  int reports = 0;
  for (std::size_t size : {16u << 10, 64u << 10, 256u << 10}) {
    std::uint64_t total = megabytes << 20;
    std::vector<double> runs;
    for (int run = 0; run < repeat; ++run) {
      auto started = SteadyClock::now();
      signaling->BlockingCall([&] {
        peer.payload.assign(size, 'x');
        peer.binary = true;
        peer.remaining = total / size;
        link.send({{"expect_bytes", peer.sent_bytes + peer.remaining * size}});
        peer.pump();
      });
      wait_for(bytes_reports, ++reports);
      runs.push_back(total / std::chrono::duration<double>(SteadyClock::now() - started).count() /
                     1e6);
    }
    auto key = std::to_string(size >> 10) + "KiB";
    result["throughput_mb_s"][key] = median(runs);
    result["throughput_best_mb_s"][key] = *std::max_element(runs.begin(), runs.end());
    result["throughput_runs_mb_s"][key] = runs;
  }

  // Round trip: 100 bytes to the receiver and back, the next ping sent from
  // the reply's callback.
  link.send({{"echo", true}});
  wait_for(echo_changes, 1);
  signaling->BlockingCall([&] {
    peer.payload.assign(100, 'p');
    peer.pings_left = round_trips;
    peer.send_ping();
  });
  while (!peer.pings_done) std::this_thread::sleep_for(std::chrono::microseconds(100));
  link.send({{"echo", false}});
  wait_for(echo_changes, 2);
  auto trips = signaling->BlockingCall([&] { return peer.trips_us; });
  result["round_trip_us"] = {{"p50", median(trips)}, {"p99", percentile(trips, 0.99)}};

  // Message rate: 100-byte text messages, one way.
  auto started = SteadyClock::now();
  signaling->BlockingCall([&] {
    peer.binary = false;
    peer.remaining = static_cast<std::uint64_t>(messages);
    link.send({{"expect_messages", peer.sent_messages + peer.remaining}});
    peer.pump();
  });
  wait_for(message_reports, 1);
  result["messages_per_s"] =
      messages / std::chrono::duration<double>(SteadyClock::now() - started).count();

  std::printf("%s\n", result.dump().c_str());
  std::fflush(stdout);
  bench::stop_process(child);
  std::_Exit(0);
}
