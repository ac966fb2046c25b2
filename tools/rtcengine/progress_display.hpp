// Shows transfer progress: a bar per file on a terminal, plain periodic
// lines when stdout is not one, JSON lines with --json. Safe from any thread.
// Names and messages may come from the peer: outside --json, control and
// bidi characters in them are shown escaped (terminal_text.hpp).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <rtcengine/transaction.hpp>

namespace rtcengine::cli {

class ProgressDisplay {
 public:
  enum class Mode { bar, lines, json };
  static Mode choose(bool json);

  explicit ProgressDisplay(Mode mode) : mode_(mode) {}

  void update(const std::string& file, const TransferProgress& progress);
  // The file's last line: "done" (verified) or the error.
  void finish(const std::string& file, const TransferProgress& progress, bool ok,
              const std::string& message);
  // Any other line, kept clear of a bar being drawn.
  void note(const std::string& text);

 private:
  std::string bar_line(const std::string& file, const TransferProgress& progress) const;
  void clear_bar();

  const Mode mode_;
  std::mutex mutex_;
  bool bar_drawn_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> last_line_;
};

}  // namespace rtcengine::cli
