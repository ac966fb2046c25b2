// The real rtcengine-signal binary, started for a test on a port the kernel
// picks; the port is read from its "listening on" line.
#pragma once

#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/network_lab.hpp"
#include "support/process.hpp"

namespace rtcengine::test {

inline std::string signal_server_path() {
  return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine-signal";
}

class SignalServerProcess {
 public:
  // `netns`: run inside that namespace (of a NetworkLab) instead of here.
  // `open_file_limit`: run with that many descriptors at most (ulimit -n).
  explicit SignalServerProcess(std::vector<std::string> extra_args = {},
                               const std::string& netns = "", std::size_t open_file_limit = 0)
      : process_(wrapped(arguments(std::move(extra_args)), netns, open_file_limit)) {
    if (!process_.wait_for_line("listening on ")) {
      throw std::runtime_error("rtcengine-signal did not start");
    }
    for (const auto& line : process_.lines()) {
      auto colon = line.rfind(':');
      if (line.find("listening on ") == 0 && colon != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
      }
    }
  }

  std::uint16_t port() const { return port_; }
  Process& process() { return process_; }

 private:
  static std::vector<std::string> wrapped(std::vector<std::string> argv, const std::string& netns,
                                          std::size_t open_file_limit) {
    if (open_file_limit) {
      argv.insert(argv.begin(), {"prlimit", "--nofile=" + std::to_string(open_file_limit), "--"});
    }
    return netns.empty() ? argv : NetworkLab::inside(netns, argv);
  }

  static std::vector<std::string> arguments(std::vector<std::string> extra) {
    std::vector<std::string> argv{signal_server_path(), "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  Process process_;
  std::uint16_t port_ = 0;
};

}  // namespace rtcengine::test
