// How every yieldbench benchmark measures one operation of a workload.
//
//   1. warm-up: run once and check the checksum, so a wrong answer is never timed;
//   2. memory probe (untimed): one operation with heap counting on and the RSS high-water
//      mark reset: heap_allocs, heap_peak_bytes, heap_total_bytes, rss_peak_bytes. Once per
//      benchmark: Google Benchmark calls a benchmark several times (estimating the iteration
//      count, then once per repetition) and one operation's footprint does not change;
//   3. timed loop (Google Benchmark's): nothing but the operation; getrusage (switches, faults) is
//      read at its edges only and divided by the iteration count. No perf event is open: an open
//      software event costs every context switch of its thread ~1 us (measured by the
//      parallelism family against `perf bench sched pipe`);
//   4. kernel-events pass (untimed, bounded like the latency pass): perf software events
//      (context switches, migrations, page faults, task clock) over further operations;
//   5. latency pass (untimed, bounded in count and time): each operation timed on its own,
//      only where one clock read is small against the operation and at least 10 samples fit.
//      An operation made of items that it can time itself (a load generator's requests) is
//      written as `std::uint64_t(LatencyHistogram* items)`: it gets null everywhere else and, in
//      this pass only, a histogram to record each item into, so lat_* are per item and no clock
//      read of theirs is in the timed loop or beside the perf events of pass 4.
//
// Values escape through benchmark::DoNotOptimize's const& overload only: in Google Benchmark
// 1.7.1 the T& overload uses a "+m,r" in-out constraint with which GCC 12 can operate on a copy
// and lose or corrupt the variable (seen here at -O1 and -O2).
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "failpoints.h"
#include "heap_counter.h"
#include "instrumentation.h"
#include "latency_histogram.h"
#include "rss_probe.h"
#include "system_counters.h"

namespace yb {

// What one operation must return, and how many items it processes (for items_per_second).
struct Expectation {
  std::uint64_t checksum;
  std::int64_t items_per_operation;
};

struct MeasureSettings {
  double latency_seconds = 0.05;          // time budget of one benchmark's latency pass
  std::uint64_t latency_samples = 10000;  // and its count budget
  // Per-operation latency is recorded only for operations at least this many clock reads long,
  // so the reads distort each sample by at most 1%.
  double latency_min_clock_reads = 100;
};
MeasureSettings& measure_settings();

// Ends a benchmark that cannot run on this machine (not enough memory, a kernel limit), with the
// reason. Google Benchmark 1.7.1 has no skip state of its own, so this is SkipWithError with the
// message prefixed "skipped: "; `yieldbench run` reports those as skips, not failures.
inline constexpr const char* kSkippedPrefix = "skipped: ";
void skip(benchmark::State& state, const std::string& reason);

namespace detail {

struct MemorySample {
  heap::Usage heap;
  std::optional<std::int64_t> rss_peak_bytes;
};

// Perf software events over `operations` operations run outside the timed loop.
struct EventSample {
  SystemUsage usage;
  double operations = 0;
};
EventSample count_kernel_events(double mean_ns, std::int64_t iterations, const std::function<void()>& one_operation);

// What measure() keeps between Google Benchmark's calls of one registered benchmark.
struct BenchmarkMemo {
  std::optional<MemorySample> memory;
  // Sized once, so that every repetition adds the same work (instruction counts must repeat exactly).
  std::optional<failpoints::ExtraWork> extra_work;
};
// The memo of the benchmark running on this thread; set by the registry around each call,
// null for benchmarks registered with Google Benchmark directly (they probe every call).
BenchmarkMemo*& current_memo();
MemorySample probe_memory_once(const std::function<void()>& one_operation);
failpoints::ExtraWork extra_work_once(double percent, const std::function<void()>& one_operation);

// Ends the benchmark with SkipWithError naming both values when they differ.
bool checksum_ok(benchmark::State& state, std::uint64_t expected, std::uint64_t actual, const char* where);
// Empty when latency should be sampled for an operation of `mean_ns`, else why not. With
// `items_per_operation` > 0 the samples are that many items per operation, each timed by the
// operation itself, and at least one operation runs whatever the budget.
std::string latency_skip_reason(double mean_ns, double items_per_operation = 0);
void report(benchmark::State& state, const Expectation& expected, const MemorySample& memory,
            const SystemUsage& loop_usage, const EventSample& events, const LatencyHistogram* latency,
            const std::string& latency_skipped);

}  // namespace detail

template <class Operation>
void measure(benchmark::State& state, const Expectation& expected, Operation&& item_or_whole_operation) {
  using clock = std::chrono::steady_clock;
  constexpr bool times_items = std::is_invocable_r_v<std::uint64_t, Operation&, LatencyHistogram*>;
  const auto operation = [&]() -> std::uint64_t {
    if constexpr (times_items) {
      return item_or_whole_operation(nullptr);
    } else {
      return item_or_whole_operation();
    }
  };
  // Every call: it also brings caches and allocator pages to the state the loop will see.
  if (!detail::checksum_ok(state, expected.checksum, operation(), "warm-up")) return;
  const detail::MemorySample memory = detail::probe_memory_once([&] { benchmark::DoNotOptimize(operation()); });

  // Only `yieldbench gate-check` asks for extra work; without it the loop below has none.
  const failpoints::ExtraWork extra =
      detail::extra_work_once(failpoints::current_slowdown_percent(), [&] { benchmark::DoNotOptimize(operation()); });
  std::uint64_t last = 0;
  const auto timed_loop = [&](const auto& after_operation) {
    for (auto _ : state) {
      last = operation();
      after_operation();
      benchmark::DoNotOptimize(std::as_const(last));
      // An operation may end the benchmark (SkipWithError); a range-for loop does not stop by itself.
      if (state.error_occurred()) [[unlikely]]
        break;
    }
  };
  SystemCounters system(SystemCounters::Sources::rusage_only);
  instrumentation::measured_region_begin();  // a profiler's region (callgrind, perf --control)
  const auto loop_start = clock::now();
  if (extra.none()) {
    timed_loop([] {});
  } else {
    timed_loop([&] { extra.run(); });
  }
  const auto loop_end = clock::now();
  instrumentation::measured_region_end();
  const SystemUsage usage = system.elapsed();
  if (state.error_occurred() || !detail::checksum_ok(state, expected.checksum, last, "timed loop")) return;

  const double mean_ns =
      std::chrono::duration<double, std::nano>(loop_end - loop_start).count() / static_cast<double>(state.iterations());
  const detail::EventSample events =
      detail::count_kernel_events(mean_ns, state.iterations(), [&] { benchmark::DoNotOptimize(operation()); });
  std::string latency_skipped =
      detail::latency_skip_reason(mean_ns, times_items ? static_cast<double>(expected.items_per_operation) : 0);
  std::unique_ptr<LatencyHistogram> latency;
  if (latency_skipped.empty()) {
    latency = std::make_unique<LatencyHistogram>();
    const auto& settings = measure_settings();
    const auto deadline = clock::now() + std::chrono::duration<double>(settings.latency_seconds);
    if constexpr (times_items) {
      do {
        benchmark::DoNotOptimize(item_or_whole_operation(latency.get()));
      } while (latency->count() < settings.latency_samples && clock::now() < deadline && !state.error_occurred());
    } else {
      for (std::uint64_t sample = 0; sample < settings.latency_samples; ++sample) {
        const auto start = clock::now();
        benchmark::DoNotOptimize(operation());
        const auto end = clock::now();
        latency->record(static_cast<std::uint64_t>(std::chrono::nanoseconds(end - start).count()));
        if (end >= deadline) break;
      }
    }
  }
  detail::report(state, expected, memory, usage, events, latency.get(), latency_skipped);
  if (!extra.none()) state.counters["failpoint_slowdown"] = extra.achieved(mean_ns);
}

}  // namespace yb
