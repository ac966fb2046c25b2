// Percentiles of a benchmark's samples, shared by the benchmark programs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bench {

// The sample at `fraction` (0..1) of the sorted values, rounding down;
// `values` must not be empty.
inline double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(fraction * (values.size() - 1))];
}

inline double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

}  // namespace bench
