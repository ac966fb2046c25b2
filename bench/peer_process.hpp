// The second process of a two-process benchmark: this same program started
// again with extra arguments, joined to its parent by a socket pair that
// carries one JSON object per line (signaling for the raw baseline, reports
// for both).
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench {

class LineChannel {
 public:
  explicit LineChannel(int fd) : fd_(fd) {}
  LineChannel(const LineChannel&) = delete;
  ~LineChannel() {
    if (fd_ >= 0) close(fd_);
  }

  // From any thread.
  void send(const nlohmann::json& message) {
    std::string line = message.dump() + "\n";
    std::lock_guard lock(write_mutex_);
    for (std::size_t done = 0; done < line.size();) {
      auto wrote = write(fd_, line.data() + done, line.size() - done);
      if (wrote <= 0) return;  // the other side is gone; its exit status tells why
      done += static_cast<std::size_t>(wrote);
    }
  }

  // From one reader thread; nullopt once the other side closed.
  std::optional<nlohmann::json> receive() {
    while (true) {
      auto newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        auto line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return nlohmann::json::parse(line);
      }
      char chunk[65536];
      auto got = read(fd_, chunk, sizeof chunk);
      if (got <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

 private:
  int fd_;
  std::mutex write_mutex_;
  std::string buffer_;
};

// Starts this program again as `exe args... --channel-fd N`; returns its pid
// and the parent's end of the socket pair.
inline std::pair<pid_t, int> spawn_self(std::vector<std::string> args) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 onto itself clears close-on-exec for the child's end only.
  posix_spawn_file_actions_adddup2(&actions, fds[1], fds[1]);
  args.insert(args.begin(), "/proc/self/exe");
  args.push_back("--channel-fd");
  args.push_back(std::to_string(fds[1]));
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  return {pid, fds[0]};
}

inline void stop_process(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace bench
