#include "parallelism/paired_speedup.h"

#include <algorithm>

namespace parallelism {
namespace {

double timed(const std::function<void()>& run, const std::function<double()>& now_seconds) {
  const double start = now_seconds();
  run();
  return now_seconds() - start;
}

}  // namespace

PairedTimes time_in_pairs(int pairs, const std::function<void()>& serial, const std::function<void()>& parallel,
                          const std::function<double()>& now_seconds) {
  PairedTimes times;
  for (int pair = 0; pair < pairs; ++pair) {
    if (pair % 2 == 0) {
      times.serial_seconds.push_back(timed(serial, now_seconds));
      times.parallel_seconds.push_back(timed(parallel, now_seconds));
    } else {
      times.parallel_seconds.push_back(timed(parallel, now_seconds));
      times.serial_seconds.push_back(timed(serial, now_seconds));
    }
  }
  return times;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

Speedup speedup_of(const PairedTimes& times) {
  Speedup result{median(times.serial_seconds), median(times.parallel_seconds), 0};
  if (result.serial_seconds > 0 && result.parallel_seconds > 0) {
    result.ratio = result.serial_seconds / result.parallel_seconds;
  }
  return result;
}

}  // namespace parallelism
