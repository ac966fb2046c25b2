// RTCEngine measured the way bench/raw_baseline.cpp measures raw libwebrtc:
// two processes through LocalSignaler, the parent sending, the child (this
// program again) receiving and reporting through a socket pair. Setup starts
// two fresh processes per run; scale counts engine pairs in one process.
// Prints one JSON object.
//   engine_bench [--megabytes N] [--round-trips N] [--messages N]
//                [--setup-runs N] [--file-megabytes N] [--scale 1,10,100]
//                [--repeat N]   (throughput and transactions: median of N runs)
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <rtcengine/rtcengine.hpp>

#include "peer_process.hpp"
#include "statistics.hpp"

using namespace rtcengine;
using bench::median;
using bench::percentile;
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

// The child's side: a peer that counts what arrives and echoes pings, or
// (with `save_to`) saves the file it is offered; it reports through the
// socket pair.
int serve(const std::string& channel, int link_fd, bool same_machine, const fs::path& save_to) {
  bench::LineChannel link(link_fd);
  EngineOptions options;
  options.same_machine = same_machine;
  auto engine = Engine::create(std::make_shared<LocalSignaler>(channel), options);
  if (!save_to.empty()) {
    auto reader_transaction = engine->readable("file").get();
    reader_transaction->save_to(save_to);
    bool complete = reader_transaction->wait(600s);
    link.send({{"saved", complete}});
    while (link.receive()) {}
    return 0;
  }
  auto socket = engine->socket("bench").get();
  link.send({{"open", true}});
  std::mutex mutex;
  std::uint64_t bytes = 0, messages = 0, expected_bytes = 0, expected_messages = 0;
  auto report_if_reached = [&] {  // with `mutex` held
    if (expected_bytes && bytes >= expected_bytes) {
      expected_bytes = 0;
      link.send({{"received", "bytes"}});
    }
    if (expected_messages && messages >= expected_messages) {
      expected_messages = 0;
      link.send({{"received", "messages"}});
    }
  };
  socket->on_data([&](const Message& message) {
    std::lock_guard lock(mutex);
    bytes += message.is_binary() ? message.bytes().size() : message.text().size();
    ++messages;
    report_if_reached();
  });
  socket->on_event("ping", [socket](const Json& payload) { socket->write_event("pong", payload); });
  std::thread reader([&] {
    while (auto line = link.receive()) {
      std::lock_guard lock(mutex);
      expected_bytes = line->value("expect_bytes", expected_bytes);
      expected_messages = line->value("expect_messages", expected_messages);
      report_if_reached();
    }
    std::_Exit(0);  // the sender is gone: the work is over
  });
  reader.join();
  return 0;
}

// A child started by `bench::spawn_self`, and the lines it sends.
struct ServingPeer {
  pid_t pid = -1;
  std::unique_ptr<bench::LineChannel> link;
  std::thread reader;
  std::mutex mutex;
  std::vector<Json> lines;

  explicit ServingPeer(std::vector<std::string> args) {
    auto [child, fd] = bench::spawn_self(std::move(args));
    pid = child;
    link = std::make_unique<bench::LineChannel>(fd);
    reader = std::thread([this] {
      while (auto line = link->receive()) {
        std::lock_guard lock(mutex);
        lines.push_back(*line);
      }
    });
  }
  ~ServingPeer() {
    bench::stop_process(pid);
    reader.join();
  }
  // Waits for the `count`-th line holding `key`; false after `timeout`.
  bool wait_for(const std::string& key, int count, std::chrono::seconds timeout = 600s) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (std::count_if(lines.begin(), lines.end(),
                          [&](const Json& line) { return line.contains(key); }) >= count) {
          return true;
        }
      }
      std::this_thread::sleep_for(100us);
    }
    return false;
  }
  // The last line holding `key`, or null.
  Json last(const std::string& key) {
    std::lock_guard lock(mutex);
    for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
      if (line->contains(key)) return *line;
    }
    return nullptr;
  }
};

// Writes `megabytes` of random bytes to `path`.
void write_input_file(const fs::path& path, std::uint64_t megabytes) {
  std::ofstream out(path, std::ios::binary);
  std::vector<char> block(8 << 20);
  std::mt19937_64 random(1);
  for (auto& c : block) c = static_cast<char>(random());
  for (std::uint64_t done = 0; done < (megabytes << 20); done += block.size()) {
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
}

// Transaction: `input` sent to the other process, which saves it in a fresh
// folder beside it (tmpfs to tmpfs, digest verified, nothing to resume
// from); timed until the receiver has it saved. `same_machine` false gives
// the stack's own settings, as the raw baseline has them.
double transaction_mb_s(const fs::path& input, bool same_machine) {
  auto channel = fresh_channel();
  auto folder = input.parent_path() / channel;
  fs::create_directories(folder);
  ServingPeer child({"--serve", channel, "--save-to", (folder / "out.bin").string(),
                     "--same-machine", same_machine ? "1" : "0"});
  EngineOptions options;
  options.same_machine = same_machine;
  auto engine = Engine::create(std::make_shared<LocalSignaler>(channel), options);
  auto size = fs::file_size(input);
  auto writer =
      engine->writable("file", Json{{"name", input.filename().string()}, {"size", size}}).get();
  auto started = Clock::now();
  writer->send_file(input);
  bool saved = child.wait_for("saved", 1);
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  bool complete = saved && child.last("saved")["saved"] == true;
  fs::remove_all(folder);
  return complete ? size / seconds / 1e6 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int channel_fd = arg(argc, argv, "--channel-fd", -1);
  if (channel_fd >= 0) {
    return serve(text_arg(argc, argv, "--serve", ""), channel_fd,
                 arg(argc, argv, "--same-machine", 1) != 0, text_arg(argc, argv, "--save-to", ""));
  }
  const std::uint64_t megabytes = arg(argc, argv, "--megabytes", 256);
  const int round_trips = arg(argc, argv, "--round-trips", 2000);
  const int messages = arg(argc, argv, "--messages", 100000);
  const int setup_runs = arg(argc, argv, "--setup-runs", 30);
  const std::uint64_t file_megabytes = arg(argc, argv, "--file-megabytes", 1024);
  const std::string scale = text_arg(argc, argv, "--scale", "1,10,100");
  const int repeat = std::max(1, arg(argc, argv, "--repeat", 1));
  Json result{{"program", "RTCEngine, two processes, LocalSignaler"}, {"repeat", repeat}};

  // Setup: from starting two fresh processes to both having the first
  // negotiated socket open.
  std::vector<double> setups;
  for (int run = 0; run < setup_runs; ++run) {
    auto channel = fresh_channel();
    auto started = Clock::now();
    ServingPeer first({"--serve", channel}), second({"--serve", channel});
    if (!first.wait_for("open", 1, 30s) || !second.wait_for("open", 1, 30s)) {
      std::fprintf(stderr, "engine_bench: setup run %d never opened its socket\n", run);
      return 1;
    }
    setups.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  }
  result["setup_ms"] = {
      {"p50", median(setups)}, {"p99", percentile(setups, 0.99)}, {"runs", setup_runs}};

  auto channel = fresh_channel();
  // Like for like with the raw baseline: the stack's own SCTP settings.
  ServingPeer child({"--serve", channel, "--same-machine", "0"});
  EngineOptions options;
  options.same_machine = false;
  auto engine = Engine::create(std::make_shared<LocalSignaler>(channel), options);
  auto socket = engine->socket("bench").get();
  std::uint64_t sent_bytes = 0, sent_messages = 0;
  int reports = 0;

  // Each size `repeat` times, the median kept: on loopback a few dropped
  // datagrams can cost SCTP a retransmission timeout and a run.
  for (std::size_t size : {16u << 10, 64u << 10, 256u << 10}) {
    std::vector<std::uint8_t> payload(std::min<std::size_t>(size, Socket::kMaxMessageSize), 'x');
    std::uint64_t count = (megabytes << 20) / payload.size();
    std::vector<double> runs;
    for (int run = 0; run < repeat; ++run) {
      sent_bytes += count * payload.size();
      sent_messages += count;
      child.link->send({{"expect_bytes", sent_bytes}});
      auto started = Clock::now();
      for (std::uint64_t i = 0; i < count; ++i) socket->write_binary(payload);
      child.wait_for("received", ++reports);
      double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      runs.push_back(count * payload.size() / seconds / 1e6);
    }
    auto key = std::to_string(size >> 10) + "KiB";
    result["throughput_mb_s"][key] = median(runs);
    result["throughput_best_mb_s"][key] = *std::max_element(runs.begin(), runs.end());
    result["throughput_runs_mb_s"][key] = runs;
  }

  // Round trip: a 100-byte custom event to the child, answered with another.
  std::atomic<int> pongs{0};
  socket->on_event("pong", [&](const Json&) { ++pongs; });
  std::string ping(84, 'p');  // 100 bytes on the wire with the event envelope's payload
  std::vector<double> trips;
  for (int i = 0; i < round_trips; ++i) {
    int before = pongs;
    auto started = Clock::now();
    socket->write_event("ping", ping);
    while (pongs == before) {}
    trips.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
  }
  result["round_trip_us"] = {{"p50", median(trips)}, {"p99", percentile(trips, 0.99)}};

  // Message rate: 100-byte text frames, one way.
  std::string text(98, 'm');  // "\"mmm...\"": 100 bytes as a JSON string
  sent_messages += messages;
  child.link->send({{"expect_messages", sent_messages}});
  auto started = Clock::now();
  for (int i = 0; i < messages; ++i) socket->write(text);
  child.wait_for("received", ++reports);
  result["messages_per_s"] =
      messages / std::chrono::duration<double>(Clock::now() - started).count();

  if (file_megabytes > 0) {
    fs::path root = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    root /= fresh_channel();
    fs::create_directories(root);
    write_input_file(root / "in.bin", file_megabytes);
    std::vector<double> stack_settings, same_machine;
    for (int run = 0; run < repeat; ++run) {
      stack_settings.push_back(transaction_mb_s(root / "in.bin", false));
      // Past the stack: LocalSignaler's own choice, the same-machine settings.
      same_machine.push_back(transaction_mb_s(root / "in.bin", true));
    }
    fs::remove_all(root);
    result["transaction_mb_s"] = median(stack_settings);
    result["transaction_same_machine_mb_s"] = median(same_machine);
    result["transaction_best_mb_s"] =
        *std::max_element(stack_settings.begin(), stack_settings.end());
    result["transaction_same_machine_best_mb_s"] =
        *std::max_element(same_machine.begin(), same_machine.end());
    result["transaction_runs_mb_s"] = {{"stack_settings", stack_settings},
                                       {"same_machine", same_machine}};
  }

  // Scale: memory and threads with 1, 10, 100 connected pairs in this process.
  std::stringstream steps(scale);
  std::string step;
  std::vector<Pair> pairs;
  Json scale_result = Json::array();
  while (std::getline(steps, step, ',')) {
    auto wanted = static_cast<std::size_t>(std::stoi(step));
    while (pairs.size() < wanted) pairs.push_back(Pair::create());
    // A pair that is slow to connect is measured all the same.
    for (auto& extra : pairs) (void)extra.a->wait_for(ConnectionState::connected, 60s);
    std::this_thread::sleep_for(500ms);
    scale_result.push_back(
        {{"pairs", wanted}, {"rss_mb", rss_bytes() / 1e6}, {"threads", thread_count()}});
  }
  result["scale"] = scale_result;

  std::printf("%s\n", result.dump().c_str());
  std::fflush(stdout);
  // Skip the orderly close of hundreds of engines: the figures are out.
  std::_Exit(0);
}
