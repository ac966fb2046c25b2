#include "progress_display.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "terminal_text.hpp"

namespace rtcengine::cli {
namespace {

constexpr auto kPlainLineEvery = std::chrono::seconds(1);
constexpr int kBarWidth = 24;

std::string format_eta(const std::optional<double>& seconds) {
  if (!seconds || !std::isfinite(*seconds)) return "--:--";
  auto total = static_cast<long>(*seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  }
  return text;
}

std::string percent(const TransferProgress& progress) {
  if (!progress.fraction) return format_bytes(static_cast<double>(progress.bytes));
  char text[16];
  std::snprintf(text, sizeof text, "%3.0f%%", *progress.fraction * 100);
  return text;
}

nlohmann::json to_json(const std::string& file, const TransferProgress& progress) {
  nlohmann::json line{{"file", file},
                      {"bytes", progress.bytes},
                      {"speed", progress.bytes_per_second},
                      {"resumed_from", progress.resumed_from}};
  if (progress.total) line["total"] = *progress.total;
  if (progress.fraction) line["fraction"] = *progress.fraction;
  if (progress.eta_seconds) line["eta"] = *progress.eta_seconds;
  return line;
}

// A JSON line; text that is not UTF-8 (a local path) is replaced, not thrown.
std::string json_line(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ProgressDisplay::Mode ProgressDisplay::choose(bool json) {
  if (json) return Mode::json;
  return ::isatty(STDOUT_FILENO) ? Mode::bar : Mode::lines;
}

std::string ProgressDisplay::bar_line(const std::string& file,
                                      const TransferProgress& progress) const {
  int filled = progress.fraction ? static_cast<int>(*progress.fraction * kBarWidth) : 0;
  std::string bar(static_cast<std::size_t>(std::clamp(filled, 0, kBarWidth)), '#');
  bar.resize(kBarWidth, '-');
  return printable(file) + " [" + bar + "] " + percent(progress) + "  " + progress.speed_text() +
         "  ETA " + format_eta(progress.eta_seconds);
}

void ProgressDisplay::clear_bar() {
  if (bar_drawn_) std::cout << "\r\033[2K" << std::flush;
  bar_drawn_ = false;
}

void ProgressDisplay::update(const std::string& file, const TransferProgress& progress) {
  std::lock_guard lock(mutex_);
  switch (mode_) {
    case Mode::bar:
      std::cout << "\r\033[2K" << bar_line(file, progress) << std::flush;
      bar_drawn_ = true;
      break;
    case Mode::lines: {
      auto now = std::chrono::steady_clock::now();
      auto& last = last_line_[file];
      if (now - last < kPlainLineEvery) return;
      last = now;
      std::cout << "progress " << printable(file) << " " << percent(progress) << " "
                << progress.bytes
                << (progress.total ? "/" + std::to_string(*progress.total) : std::string())
                << " bytes " << progress.speed_text() << " ETA " << format_eta(progress.eta_seconds)
                << std::endl;
      break;
    }
    case Mode::json: {
      auto line = to_json(file, progress);
      line["event"] = "progress";
      std::cout << json_line(line) << std::endl;
      break;
    }
  }
}

void ProgressDisplay::finish(const std::string& file, const TransferProgress& progress, bool ok,
                             const std::string& message) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::json) {
    auto line = to_json(file, progress);
    line["event"] = ok ? "done" : "failed";
    if (!ok) line["error"] = message;
    std::cout << json_line(line) << std::endl;
    return;
  }
  clear_bar();
  if (ok) {
    std::cout << "done " << printable(file) << " " << progress.bytes << " bytes, verified"
              << (progress.resumed_from
                      ? " (resumed at " + std::to_string(progress.resumed_from) + ")"
                      : std::string())
              << std::endl;
  } else {
    std::cout << "failed " << printable(file) << ": " << printable(message) << std::endl;
  }
}

void ProgressDisplay::note(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::json) {
    std::cout << json_line({{"event", "note"}, {"text", text}}) << std::endl;
    return;
  }
  clear_bar();
  std::cout << printable(text) << std::endl;
}

}  // namespace rtcengine::cli
