// Reads the baseline's, the engine's and the reconnect benchmark's JSON (one
// object each, in that order, on stdin; the last is optional) and prints one
// table with ratios and targets, then writes all three plus the derived
// figures as JSON to the path given.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "statistics.hpp"

using nlohmann::json;

namespace {

void row(const char* metric, double engine, double raw, const char* unit, const char* target,
         json& ratios, const std::string& key) {
  double ratio = raw > 0 ? engine / raw : 0;
  ratios[key] = ratio;
  std::printf("%-34s %12.1f %12.1f %-6s %7.2fx   %s\n", metric, engine, raw, unit, ratio, target);
}

// The best of the repeated runs, both sides: noise on a shared machine only
// ever slows a run down.
void best_row(const char* metric, const json& engine, const json& raw, json& ratios,
              const std::string& key) {
  if (!engine.is_number() || !raw.is_number()) return;
  row(metric, engine.get<double>(), raw.get<double>(), "MB/s", "(best of the runs)", ratios, key);
}

void only(const char* metric, double engine, const char* unit, const char* target) {
  std::printf("%-34s %12.1f %12s %-6s %8s   %s\n", metric, engine, "-", unit, "", target);
}

}  // namespace

int main(int argc, char** argv) {
  json raw, engine, reconnect;
  std::cin >> raw >> engine;
  if (std::cin >> std::ws && !std::cin.eof()) std::cin >> reconnect;
  json ratios;
  std::printf("%-34s %12s %12s %-6s %8s   %s\n", "metric", "RTCEngine", "raw", "unit", "ratio",
              "target");
  for (const char* size : {"16KiB", "64KiB", "256KiB"}) {
    std::string name = std::string("socket throughput ") +
                       std::string(size).insert(std::string(size).size() - 3, " ");
    row(name.c_str(), engine["throughput_mb_s"][size], raw["throughput_mb_s"][size], "MB/s",
        ">= 0.95x raw", ratios, std::string("throughput_") + size);
  }
  row("transaction throughput (file)", engine.value("transaction_mb_s", 0.0),
      raw["throughput_mb_s"]["256KiB"], "MB/s", ">= 0.9x raw", ratios, "transaction");
  row("  same, same-machine settings", engine.value("transaction_same_machine_mb_s", 0.0),
      raw["throughput_mb_s"]["256KiB"], "MB/s", ">= 1.5x raw (stretch)", ratios,
      "transaction_same_machine");
  for (const char* size : {"16KiB", "64KiB", "256KiB"}) {
    std::string name = std::string("  best, ") + size;
    best_row(name.c_str(), engine["throughput_best_mb_s"][size], raw["throughput_best_mb_s"][size],
             ratios, std::string("throughput_best_") + size);
  }
  best_row("  best, transaction", engine["transaction_best_mb_s"],
           raw["throughput_best_mb_s"]["256KiB"], ratios, "transaction_best");
  best_row("  best, same-machine settings", engine["transaction_same_machine_best_mb_s"],
           raw["throughput_best_mb_s"]["256KiB"], ratios, "transaction_same_machine_best");
  row("round trip p50 (100 B)", engine["round_trip_us"]["p50"], raw["round_trip_us"]["p50"], "us",
      "<= 1.2x raw", ratios, "round_trip_p50");
  row("round trip p99 (100 B)", engine["round_trip_us"]["p99"], raw["round_trip_us"]["p99"], "us",
      "", ratios, "round_trip_p99");
  row("message rate (100 B text)", engine["messages_per_s"], raw["messages_per_s"], "msg/s", "",
      ratios, "message_rate");
  only("setup to first socket p50", engine["setup_ms"]["p50"], "ms", "<= 50 ms");
  only("setup to first socket p99", engine["setup_ms"]["p99"], "ms", "<= 150 ms");
  std::printf("%-34s %12s %12.1f %-6s\n", "raw channel open", "-", raw["open_ms"].get<double>(),
              "ms");
  const auto& scale = engine["scale"];
  for (const auto& step : scale) {
    std::printf("%-34s %9.1f MB %9d threads\n",
                ("engine pairs: " + std::to_string(step["pairs"].get<int>())).c_str(),
                step["rss_mb"].get<double>(), step["threads"].get<int>());
  }
  if (scale.size() >= 2) {
    const auto& first = scale.front();
    const auto& last = scale.back();
    double pairs = last["pairs"].get<double>() - first["pairs"].get<double>();
    double per_pair = (last["rss_mb"].get<double>() - first["rss_mb"].get<double>()) / pairs;
    int extra_threads = last["threads"].get<int>() - first["threads"].get<int>();
    std::printf("%-34s %9.2f MB %9d extra threads   target <= 2 MB, 0 threads\n",
                "per additional pair", per_pair, extra_threads);
    ratios["rss_mb_per_pair"] = per_pair;
    ratios["extra_threads"] = extra_threads;
  }
  if (reconnect.contains("reconnect_ms")) {
    // Time from the restore to the first message; the engine reporting
    // "connected" again comes first (its p50 is shown for the diagnosis).
    for (const auto& [cut, numbers] : reconnect["reconnect_ms"].items()) {
      std::string name = "reconnect after " + cut + " restored, p50 / max";
      auto connected_after = numbers["state_connected_after"].get<std::vector<double>>();
      double connected = connected_after.empty() ? -1 : bench::median(connected_after);
      std::printf(
          "%-40s %6.0f / %.0f ms (runs: %zu; state connected after %.0f ms)   target <= 1000 ms\n",
          name.c_str(), numbers["p50"].get<double>(), numbers["max"].get<double>(),
          numbers["each"].size(), connected);
      ratios["reconnect_" + cut + "_p50_ms"] = numbers["p50"];
      ratios["reconnect_" + cut + "_max_ms"] = numbers["max"];
    }
  } else if (!reconnect.is_null()) {
    std::printf("%-34s %s\n", "reconnect",
                reconnect.value("skipped", reconnect.value("error", std::string("?"))).c_str());
  }
  if (argc > 1) {
    std::ofstream(argv[1]) << json{{"raw", raw},
                                   {"engine", engine},
                                   {"reconnect", reconnect},
                                   {"derived", ratios}}
                                  .dump(2)
                           << "\n";
  }
  return 0;
}
