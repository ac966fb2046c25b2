// The baseline: raw libwebrtc, two peer connections in one process, one
// data channel, the same factory settings RTCEngine uses (loopback allowed).
// Everything is sent from libwebrtc's signaling thread, driven by its own
// callbacks, so no call hops threads: the stack at its best.
// Prints one JSON object with what the engine benchmark measures too.
//   raw_baseline [--megabytes N] [--round-trips N] [--messages N]
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

using namespace webrtc;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct SetLocalObserver : SetLocalDescriptionObserverInterface {
  std::function<void()> done;
  void OnSetLocalDescriptionComplete(RTCError) override { done(); }
};
struct SetRemoteObserver : SetRemoteDescriptionObserverInterface {
  std::function<void(RTCError)> done;
  void OnSetRemoteDescriptionComplete(RTCError error) override { done(error); }
};

// One side: negotiates straight with the other (no signaling server), and
// counts or echoes what arrives.
struct Peer : PeerConnectionObserver, DataChannelObserver {
  Peer* other = nullptr;
  rtc::scoped_refptr<PeerConnectionInterface> connection;
  rtc::scoped_refptr<DataChannelInterface> channel;
  std::atomic<std::uint64_t> received_bytes{0};
  std::atomic<std::uint64_t> received_messages{0};
  std::atomic<bool> open{false};
  bool echo = false;

  // Sending, on the signaling thread only: `remaining` messages of
  // `payload`, keeping libwebrtc's buffer under 8 MiB (RTCEngine's default).
  std::string payload;
  bool binary = true;
  std::uint64_t remaining = 0;
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
      channel->Send(DataBuffer(rtc::CopyOnWriteBuffer(payload.data(), payload.size()), binary));
    }
    pumping = false;
  }
  void send_ping() {
    ping_sent = SteadyClock::now();
    channel->Send(DataBuffer(rtc::CopyOnWriteBuffer(payload.data(), payload.size()), false));
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
    other->on_remote(connection->local_description()->GetType(), sdp);
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
    std::unique_ptr<IceCandidateInterface> copy(
        CreateIceCandidate(candidate->sdp_mid(), candidate->sdp_mline_index(), text, nullptr));
    other->connection->AddIceCandidate(std::move(copy), [](RTCError) {});
  }
  void OnStateChange() override {
    if (channel->state() == DataChannelInterface::kOpen) open = true;
  }
  void OnMessage(const DataBuffer& buffer) override {
    received_bytes += buffer.size();
    ++received_messages;
    if (echo) channel->Send(buffer);
    if (pings_left > 0) {
      trips_us.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - ping_sent).count());
      if (--pings_left > 0) {
        send_ping();
      } else {
        pings_done = true;
      }
    }
  }
  void OnBufferedAmountChange(uint64_t) override { pump(); }
};

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(fraction * (values.size() - 1))];
}

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

  Peer a, b;
  a.other = &b;
  b.other = &a;
  PeerConnectionInterface::RTCConfiguration config;
  config.sdp_semantics = SdpSemantics::kUnifiedPlan;
  a.connection = factory->CreatePeerConnectionOrError(config, PeerConnectionDependencies(&a)).MoveValue();
  b.connection = factory->CreatePeerConnectionOrError(config, PeerConnectionDependencies(&b)).MoveValue();

  nlohmann::json result{{"program", "raw libwebrtc, one process, sends on the signaling thread"}};
  auto open_started = SteadyClock::now();
  signaling->BlockingCall([&] {
    DataChannelInit init;
    a.channel = a.connection->CreateDataChannelOrError("bench", &init).MoveValue();
    a.channel->RegisterObserver(&a);
  });
  while (!a.open || !b.channel) std::this_thread::sleep_for(std::chrono::microseconds(200));
  result["open_ms"] = std::chrono::duration<double, std::milli>(SteadyClock::now() - open_started).count();

  // Throughput: binary messages of each size, pumped by the sender's callbacks.
  for (std::size_t size : {16u << 10, 64u << 10, 256u << 10}) {
    std::uint64_t total = megabytes << 20;
    std::uint64_t start_bytes = b.received_bytes;
    auto started = SteadyClock::now();
    signaling->BlockingCall([&] {
      a.payload.assign(size, 'x');
      a.binary = true;
      a.remaining = total / size;
      a.pump();
    });
    while (b.received_bytes - start_bytes < total) std::this_thread::sleep_for(std::chrono::microseconds(100));
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    result["throughput_mb_s"][std::to_string(size >> 10) + "KiB"] = total / seconds / 1e6;
  }

  // Round trip: 100 bytes to B and back, the next ping sent from the reply's callback.
  signaling->BlockingCall([&] {
    b.echo = true;  // read by B's callbacks, so set on their thread
    a.payload.assign(100, 'p');
    a.pings_left = round_trips;
    a.send_ping();
  });
  while (!a.pings_done) std::this_thread::sleep_for(std::chrono::microseconds(100));
  auto trips = signaling->BlockingCall([&] {
    b.echo = false;
    return a.trips_us;
  });
  result["round_trip_us"] = {{"p50", percentile(trips, 0.5)}, {"p99", percentile(trips, 0.99)}};

  // Message rate: 100-byte text messages, one way.
  auto start_messages = b.received_messages.load();
  auto started = SteadyClock::now();
  signaling->BlockingCall([&] {
    a.binary = false;
    a.remaining = static_cast<std::uint64_t>(messages);
    a.pump();
  });
  while (b.received_messages - start_messages < static_cast<std::uint64_t>(messages)) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  result["messages_per_s"] = messages / std::chrono::duration<double>(SteadyClock::now() - started).count();

  std::printf("%s\n", result.dump().c_str());
  a.connection->Close();
  b.connection->Close();
  return 0;
}
