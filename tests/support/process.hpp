// A child process started by a test, with its stdout read line by line on a
// thread of its own, so tests can wait for what it prints.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rtcengine::test {

class Process {
 public:
  explicit Process(std::vector<std::string> argv);
  ~Process();  // kills the process if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Waits for a line containing `text`; true when seen.
  bool wait_for_line(const std::string& text,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // How many lines contain `text` so far.
  std::size_t count_lines(const std::string& text) const;
  std::vector<std::string> lines() const;
  void kill(int signal);
  // The exit status (or 128 + signal); nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  pid_t pid() const { return pid_; }

 private:
  void read_output(int fd);

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::optional<int> exit_status_;
};

// Path of a helper program built from tests/programs/.
std::string program_path(const std::string& name);

}  // namespace rtcengine::test
