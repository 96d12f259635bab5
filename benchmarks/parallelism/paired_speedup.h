// cpu_sum's speedup as a ratio of like with like. The kernel alone on the benchmark thread and
// the workers' operation are timed in alternating pairs (serial first, then parallel first, so
// neither side always follows the other), by the same clock, in the same process and the same
// call, and each side is summarised by the same statistic, the median. Drift on a shared machine
// then moves both sides alike, and one worker that adds only a hand-off to the same kernel comes
// out near 1 by construction, not by clamping.
#pragma once

#include <functional>
#include <vector>

namespace parallelism {

struct PairedTimes {
  std::vector<double> serial_seconds;
  std::vector<double> parallel_seconds;
};

// `pairs` pairs of one serial and one parallel run, each timed by `now_seconds` around it alone.
PairedTimes time_in_pairs(int pairs, const std::function<void()>& serial, const std::function<void()>& parallel,
                          const std::function<double()>& now_seconds);

// The middle value (the mean of the two middle ones for an even count); 0 for none.
double median(std::vector<double> values);

struct Speedup {
  double serial_seconds = 0;    // median serial run
  double parallel_seconds = 0;  // median parallel run
  double ratio = 0;             // serial_seconds / parallel_seconds; 0 when either is 0
};
Speedup speedup_of(const PairedTimes& times);

}  // namespace parallelism
