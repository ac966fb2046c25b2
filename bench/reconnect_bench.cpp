// Reconnect time: two engines in two processes, each in its own network
// namespace joined by a veth pair. The path is cut until the engines report
// the connection failed, then restored; we measure from the restore to the
// first message that arrives afterwards. Two kinds of cut: a blackhole route
// on both sides (the interfaces stay up, as when something between the
// peers fails) and the veth taken down (the interface itself goes away).
// Needs root (ip netns); prints {"skipped": "..."} otherwise. Prints one
// JSON object.
//   reconnect_bench [--runs N]
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <rtcengine/rtcengine.hpp>

#include "statistics.hpp"

using namespace rtcengine;
using namespace std::chrono_literals;

namespace {

// CLOCK_MONOTONIC is one clock for every process of the machine.
std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

struct Namespaces {
  std::string tag = std::to_string(getpid());
  std::string names[2] = {"rcb" + tag + "a", "rcb" + tag + "b"};
  std::string interfaces[2] = {"rcb" + tag + "a", "rcb" + tag + "b"};
  bool ok = false;

  Namespaces() {
    ok = run("ip netns add " + names[0]) && run("ip netns add " + names[1]) &&
         run("ip link add " + interfaces[0] + " netns " + names[0] + " type veth peer name " +
             interfaces[1] + " netns " + names[1]) &&
         run("ip -n " + names[0] + " addr add 10.249.0.1/24 dev " + interfaces[0]) &&
         run("ip -n " + names[1] + " addr add 10.249.0.2/24 dev " + interfaces[1]) &&
         run("ip -n " + names[0] + " link set " + interfaces[0] + " up") &&
         run("ip -n " + names[1] + " link set " + interfaces[1] + " up");
  }
  ~Namespaces() {
    run("ip netns del " + names[0]);
    run("ip netns del " + names[1]);
  }
  void set_link(bool up) const {
    run("ip -n " + names[0] + " link set " + interfaces[0] + (up ? " up" : " down"));
  }
  void set_route(bool up) const {
    std::string verb = up ? " route del" : " route add";
    run("ip -n " + names[0] + verb + " blackhole 10.249.0.2/32");
    run("ip -n " + names[1] + verb + " blackhole 10.249.0.1/32");
  }
  void set_path(const std::string& cut, bool up) const {
    cut == "link" ? set_link(up) : set_route(up);
  }
};

// One peer, in a forked child: joins the namespace first (sockets belong to
// the namespace of the thread that makes them), then connects. The sender
// writes its clock every 10 ms; the receiver reports each arrival, and both
// report each state change, to the parent as a line on `report` (one write
// per line, below PIPE_BUF, so lines of the two never interleave).
[[noreturn]] void peer(const std::string& netns, const std::string& interface_name,
                       const std::string& channel, bool sender, int report) {
  int fd = open(("/run/netns/" + netns).c_str(), O_RDONLY);
  if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(3);
  close(fd);
  EngineOptions options;
  options.network_interfaces = {interface_name};
  auto engine = Engine::create(std::make_shared<LocalSignaler>(channel), options);
  auto say = [report](const std::string& line) {
    std::string text = line + "\n";
    if (write(report, text.data(), text.size()) < 0) _exit(4);
  };
  engine->on_state_change([&](ConnectionState state) {
    say("state " + std::string(to_string(state)) + " " + std::to_string(now_us()));
  });
  auto socket = engine->socket("ticks").get();
  if (sender) {
    while (true) {
      try {
        socket->write(std::to_string(now_us()));
      } catch (const Error&) {
        _exit(5);
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  socket->on_data([&](const Message&) { say("message " + std::to_string(now_us())); });
  while (true) std::this_thread::sleep_for(1s);
}

// One report line: what happened ("message", "state failed") and when.
struct Report {
  std::string what;
  std::int64_t at_us;
};

// Lines from the peers, read with a deadline.
class Reports {
 public:
  explicit Reports(int fd) : fd_(fd) {}

  // Waits for a line starting with `prefix` whose time is after `after_us`;
  // returns that time. Calls `seen` with every other line after `after_us`.
  std::optional<std::int64_t> wait_for(const std::string& prefix, std::int64_t after_us,
                                       std::chrono::seconds timeout,
                                       const std::function<void(const Report&)>& seen = {}) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (auto report = next(deadline)) {
      if (report->at_us <= after_us) continue;
      if (report->what.rfind(prefix, 0) == 0) return report->at_us;
      if (seen) seen(*report);
    }
    return std::nullopt;
  }

 private:
  std::optional<Report> next(std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
      auto newline = buffer_.find('\n');
      if (newline == std::string::npos) {
        char chunk[4096];
        auto got = read(fd_, chunk, sizeof chunk);
        if (got <= 0) {
          std::this_thread::sleep_for(1ms);
        } else {
          buffer_.append(chunk, static_cast<std::size_t>(got));
        }
        continue;
      }
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      auto space = line.rfind(' ');
      return Report{line.substr(0, space), std::stoll(line.substr(space + 1))};
    }
    return std::nullopt;
  }

  int fd_;
  std::string buffer_;
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  Json result{{"program",
               "RTCEngine, two processes in two namespaces, path cut until failed, then restored"}};
  Namespaces namespaces;
  if (!namespaces.ok) {
    result["skipped"] = "cannot create network namespaces (needs root)";
    std::printf("%s\n", result.dump().c_str());
    return 0;
  }
  // LocalSignaler meets through files, which namespaces do not separate.
  auto runtime = std::filesystem::temp_directory_path() / ("rtcengine-reconnect-" + namespaces.tag);
  std::filesystem::create_directories(runtime);
  setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
  std::string channel = "reconnect-" + namespaces.tag;

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  pid_t receiver = fork();
  if (receiver == 0)
    peer(namespaces.names[0], namespaces.interfaces[0], channel, false, pipe_fds[1]);
  pid_t sender = fork();
  if (sender == 0) peer(namespaces.names[1], namespaces.interfaces[1], channel, true, pipe_fds[1]);
  close(pipe_fds[1]);

  Reports reports(pipe_fds[0]);
  if (!reports.wait_for("message", 0, 30s)) {
    result["error"] = "the peers never connected";
  }
  for (std::string cut : {"link", "route"}) {
    if (result.contains("error")) break;
    std::vector<double> reconnect_ms, failed_after_ms, connected_ms;
    for (int i = 0; i < runs; ++i) {
      auto cut_at = now_us();
      namespaces.set_path(cut, false);
      auto failed = reports.wait_for("state failed", cut_at, 30s);
      if (!failed) {
        result["error"] = "the connection never counted as failed";
        namespaces.set_path(cut, true);
        break;
      }
      failed_after_ms.push_back((*failed - cut_at) / 1000.0);
      std::this_thread::sleep_for(1s);  // failed for a while, as a real outage
      auto restored = now_us();
      namespaces.set_path(cut, true);
      // The data, and on the way the engine's state: ICE finds the path
      // first, SCTP retransmits later, on its timer backed off in the outage.
      std::optional<std::int64_t> connected;
      auto flowing = reports.wait_for("message", restored, 60s, [&](const Report& report) {
        if (report.what == "state connected" && !connected) connected = report.at_us;
      });
      if (connected) connected_ms.push_back((*connected - restored) / 1000.0);
      if (!flowing) {
        result["error"] = "no data within 60 s after the path came back";
        break;
      }
      reconnect_ms.push_back((*flowing - restored) / 1000.0);
      std::this_thread::sleep_for(500ms);
    }
    if (reconnect_ms.empty()) continue;
    result["reconnect_ms"][cut] = {
        {"p50", bench::median(reconnect_ms)},
        {"max", *std::max_element(reconnect_ms.begin(), reconnect_ms.end())},
        {"each", reconnect_ms},
        {"failed_after", failed_after_ms},
        {"state_connected_after", connected_ms}};
  }
  kill(sender, SIGKILL);
  kill(receiver, SIGKILL);
  waitpid(sender, nullptr, 0);
  waitpid(receiver, nullptr, 0);
  std::filesystem::remove_all(runtime);

  std::printf("%s\n", result.dump().c_str());
  return result.contains("error") ? 1 : 0;
}
