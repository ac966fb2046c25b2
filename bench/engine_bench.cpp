// RTCEngine measured the way bench/raw_baseline.cpp measures raw libwebrtc:
// two engines in one process through LocalSignaler. Prints one JSON object.
//   engine_bench [--megabytes N] [--round-trips N] [--messages N]
//                [--setup-runs N] [--file-megabytes N] [--scale 1,10,100]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <rtcengine/rtcengine.hpp>

using namespace rtcengine;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

std::string text_arg(int argc, char** argv, const char* name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(fraction * (values.size() - 1))];
}

std::string fresh_channel() { return "bench-" + std::to_string(std::random_device{}()); }

struct Pair {
  EnginePtr a, b;
  static Pair create() {
    auto channel = fresh_channel();
    return {Engine::create(std::make_shared<LocalSignaler>(channel)),
            Engine::create(std::make_shared<LocalSignaler>(channel))};
  }
  std::pair<SocketPtr, SocketPtr> open(const std::string& label) const {
    auto first = a->socket(label);
    auto second = b->socket(label);
    return {first.get(), second.get()};
  }
};

std::uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::uint64_t kib;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

int thread_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/task")) ++count;
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t megabytes = arg(argc, argv, "--megabytes", 256);
  const int round_trips = arg(argc, argv, "--round-trips", 2000);
  const int messages = arg(argc, argv, "--messages", 100000);
  const int setup_runs = arg(argc, argv, "--setup-runs", 30);
  const std::uint64_t file_megabytes = arg(argc, argv, "--file-megabytes", 1024);
  const std::string scale = text_arg(argc, argv, "--scale", "1,10,100");
  Json result{{"program", "RTCEngine, one process, LocalSignaler"}};

  // Setup: from creating both engines to the first negotiated socket open.
  std::vector<double> setups;
  for (int run = 0; run < setup_runs; ++run) {
    auto started = Clock::now();
    auto pair = Pair::create();
    pair.open("first");
    setups.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  }
  result["setup_ms"] = {{"p50", percentile(setups, 0.5)}, {"p99", percentile(setups, 0.99)},
                        {"runs", setup_runs}};

  auto pair = Pair::create();
  auto [a, b] = pair.open("bench");
  std::atomic<std::uint64_t> received_bytes{0}, received_messages{0};
  b->on_data([&](const Message& message) {
    received_bytes += message.is_binary() ? message.bytes().size() : 100;
    ++received_messages;
  });

  for (std::size_t size : {16u << 10, 64u << 10, 256u << 10}) {
    std::vector<std::uint8_t> payload(std::min<std::size_t>(size, Socket::kMaxMessageSize), 'x');
    std::uint64_t total = megabytes << 20;
    auto start = received_bytes.load();
    auto started = Clock::now();
    for (std::uint64_t sent = 0; sent < total; sent += payload.size()) a->write_binary(payload);
    while (received_bytes - start < total) std::this_thread::sleep_for(100us);
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result["throughput_mb_s"][std::to_string(size >> 10) + "KiB"] = total / seconds / 1e6;
  }

  // Round trip: a 100-byte custom event to B, answered with another.
  std::atomic<int> pongs{0};
  b->on_event("ping", [b = b](const Json& payload) { b->write_event("pong", payload); });
  a->on_event("pong", [&](const Json&) { ++pongs; });
  std::string ping(84, 'p');  // 100 bytes on the wire with the event envelope's payload
  std::vector<double> trips;
  for (int i = 0; i < round_trips; ++i) {
    int before = pongs;
    auto started = Clock::now();
    a->write_event("ping", ping);
    while (pongs == before) {
    }
    trips.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
  }
  result["round_trip_us"] = {{"p50", percentile(trips, 0.5)}, {"p99", percentile(trips, 0.99)}};

  // Message rate: 100-byte text frames, one way.
  std::string text(98, 'm');  // "\"mmm...\"": 100 bytes as a JSON string
  auto start_messages = received_messages.load();
  auto started = Clock::now();
  for (int i = 0; i < messages; ++i) a->write(text);
  while (received_messages - start_messages < static_cast<std::uint64_t>(messages)) {
    std::this_thread::sleep_for(100us);
  }
  result["messages_per_s"] = messages / std::chrono::duration<double>(Clock::now() - started).count();

  // Transaction: a file from tmpfs to tmpfs, digest verified.
  if (file_megabytes > 0) {
    fs::path root = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    root /= fresh_channel();
    fs::create_directories(root);
    {
      std::ofstream out(root / "in.bin", std::ios::binary);
      std::vector<char> block(8 << 20);
      std::mt19937_64 random(1);
      for (auto& c : block) c = static_cast<char>(random());
      for (std::uint64_t done = 0; done < (file_megabytes << 20); done += block.size()) {
        out.write(block.data(), static_cast<std::streamsize>(block.size()));
      }
    }
    auto size = fs::file_size(root / "in.bin");
    auto writer_future = pair.a->writable("file", Json{{"name", "in.bin"}, {"size", size}});
    auto reader_future = pair.b->readable("file");
    auto writer = writer_future.get();
    auto reader = reader_future.get();
    reader->save_to(root / "out.bin");
    auto file_started = Clock::now();
    writer->send_file(root / "in.bin");
    reader->wait(600s);
    writer->wait(60s);
    double seconds = std::chrono::duration<double>(Clock::now() - file_started).count();
    result["transaction_mb_s"] = size / seconds / 1e6;
    fs::remove_all(root);
  }

  // Scale: memory and threads with 1, 10, 100 connected pairs.
  std::stringstream steps(scale);
  std::string step;
  std::vector<Pair> pairs;
  Json scale_result = Json::array();
  while (std::getline(steps, step, ',')) {
    auto wanted = static_cast<std::size_t>(std::stoi(step));
    while (pairs.size() < wanted) pairs.push_back(Pair::create());
    for (auto& extra : pairs) extra.a->wait_for(ConnectionState::connected, 60s);
    std::this_thread::sleep_for(500ms);
    scale_result.push_back({{"pairs", wanted}, {"rss_mb", rss_bytes() / 1e6}, {"threads", thread_count()}});
  }
  result["scale"] = scale_result;

  std::printf("%s\n", result.dump().c_str());
  std::fflush(stdout);
  // Skip the orderly close of hundreds of engines: the figures are out.
  std::_Exit(0);
}
