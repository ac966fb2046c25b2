// The subcommands; each returns the process exit status.
#pragma once

#include <string>
#include <vector>

#include "engine_setup.hpp"

namespace rtcengine::cli {

struct TransferFlags {
  bool json = false;
  bool overwrite = false;
};

int run_chat(const GlobalOptions& options);
int run_send(const GlobalOptions& options, const std::vector<std::string>& paths,
             const TransferFlags& flags);
int run_receive(const GlobalOptions& options, const std::string& directory,
                const TransferFlags& flags);

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // some file did not arrive verified
inline constexpr int kExitUsage = 2;   // bad arguments
inline constexpr int kExitInterrupted = 130;

}  // namespace rtcengine::cli
