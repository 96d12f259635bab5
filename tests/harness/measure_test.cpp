// Runs yb::measure inside Google Benchmark, as a family executable does, and checks what it
// reports: the checksum guard and the counters DESIGN.md names.
#include "measure.h"
#include "reporters.h"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

class CapturingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    this->runs.insert(this->runs.end(), runs.begin(), runs.end());
  }
  std::vector<Run> runs;
};

// Runs the benchmarks whose names start with `prefix` (per-benchmark settings append to names).
template <class Reporter = CapturingReporter>
Reporter run_only(const std::string& prefix) {
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + prefix);
  return reporter;
}

// Not DoNotOptimize(values[i]): GB 1.7.1's T& overload ("+m,r") lets GCC 12 lose the store
// (see measure.h). Escaping the pointer and clobbering memory is reliable.
[[gnu::noinline]] std::uint64_t allocate_and_sum() {
  auto values = std::make_unique<std::uint64_t[]>(1024);
  for (std::uint64_t i = 0; i < 1024; ++i) values[i] = i;
  benchmark::DoNotOptimize(values.get());
  benchmark::ClobberMemory();
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < 1024; ++i) total += values[i];
  return total;
}

// test/times_its_items: an operation of kItems items, the i-th "taking" i microseconds.
constexpr std::uint64_t kItems = 10;
int item_timed_operations = 0;

const bool registered = [] {
  benchmark::RegisterBenchmark("test/wrong_checksum", [](benchmark::State& state) {
    yb::measure(state, {42, 1}, [] { return std::uint64_t{41}; });
  })->MinTime(0.01);
  benchmark::RegisterBenchmark("test/allocates_once", [](benchmark::State& state) {
    yb::measure(state, {1024 * 1023 / 2, 1024}, allocate_and_sum);
  })->MinTime(0.01);
  benchmark::RegisterBenchmark("test/timed_by_wall_clock",
                               [](benchmark::State& state) {
                                 yb::measure(state, {7, 1}, [] { return std::uint64_t{7}; });
                               })
      ->UseRealTime()
      ->Iterations(10);
  benchmark::RegisterBenchmark("test/cannot_run_here", [](benchmark::State& state) {
    yb::skip(state, "needs 2^20 mappings, vm.max_map_count is 65530");
  });
  benchmark::RegisterBenchmark("test/repeated",
                               [](benchmark::State& state) {
                                 yb::measure(state, {7, 1}, [] { return std::uint64_t{7}; });
                               })
      ->Iterations(10)
      ->Repetitions(3);
  benchmark::RegisterBenchmark("test/times_its_items", [](benchmark::State& state) {
    yb::measure(state, {kItems, kItems}, [](yb::LatencyHistogram* items) {
      if (items == nullptr) return kItems;
      ++item_timed_operations;
      // Known values instead of clock readings: what the harness reports must be these.
      for (std::uint64_t i = 1; i <= kItems; ++i) items->record(i * 1000);
      return kItems;
    });
  })->Iterations(20);
  return true;
}();

TEST(Measure, WrongChecksumEndsTheBenchmarkNamingBothValues) {
  ASSERT_TRUE(registered);
  const auto reporter = run_only("test/wrong_checksum");
  ASSERT_EQ(reporter.runs.size(), 1u);
  const auto& run = reporter.runs.front();
  EXPECT_TRUE(run.error_occurred);
  EXPECT_NE(run.error_message.find("expected 42"), std::string::npos) << run.error_message;
  EXPECT_NE(run.error_message.find("got 41"), std::string::npos) << run.error_message;
  EXPECT_TRUE(run.counters.empty()) << "a wrong answer reports nothing";
}

TEST(Measure, ReportsEveryCounterItCanMeasure) {
  const auto reporter = run_only("test/allocates_once");
  ASSERT_EQ(reporter.runs.size(), 1u);
  const auto& run = reporter.runs.front();
  ASSERT_FALSE(run.error_occurred) << run.error_message;
  const auto& counters = run.counters;
  for (const char* name : {"items_per_second", "heap_allocs", "heap_peak_bytes", "heap_total_bytes", "ctx_voluntary",
                           "ctx_involuntary", "page_faults"}) {
    EXPECT_TRUE(counters.count(name)) << name;
  }
  EXPECT_EQ(counters.at("heap_allocs").value, 1);
  EXPECT_EQ(counters.at("heap_total_bytes").value, 1024 * 8);
  EXPECT_GE(counters.at("heap_peak_bytes").value, 1024 * 8);
  if (yb::rss::unavailable_reason().empty()) {
    EXPECT_TRUE(counters.count("rss_peak_bytes"));
  }
  if (yb::perf_software_events_unavailable_reason().empty()) {
    for (const char* name : {"ctx_switches", "cpu_migrations", "task_clock_ns"})
      EXPECT_TRUE(counters.count(name)) << name;
  }
  // Latency is either sampled or its absence is explained in the label.
  EXPECT_TRUE(counters.count("lat_max_ns") || run.report_label.find("latency") != std::string::npos)
      << run.report_label;
}

TEST(Measure, SkipEndsTheBenchmarkWithTheReasonMarkedAsASkip) {
  const auto reporter = run_only("test/cannot_run_here");
  ASSERT_EQ(reporter.runs.size(), 1u);
  EXPECT_TRUE(reporter.runs.front().error_occurred);
  EXPECT_EQ(reporter.runs.front().error_message, "skipped: needs 2^20 mappings, vm.max_map_count is 65530");
}

TEST(Measure, AnOperationThatTimesItsItemsReportsPerItemLatencyFromTheLatencyPassOnly) {
  // The operation takes no real time; its items are what is sampled, whatever the clock costs.
  const double min_clock_reads = std::exchange(yb::measure_settings().latency_min_clock_reads, 0);
  item_timed_operations = 0;
  const auto reporter = run_only("test/times_its_items");
  yb::measure_settings().latency_min_clock_reads = min_clock_reads;
  ASSERT_EQ(reporter.runs.size(), 1u);
  const auto& run = reporter.runs.front();
  ASSERT_FALSE(run.error_occurred) << run.error_message;
  ASSERT_TRUE(run.counters.count("lat_samples")) << run.report_label;
  EXPECT_GE(item_timed_operations, 1);
  // Only the latency pass hands out the histogram, and every item of its operations is in it.
  EXPECT_EQ(run.counters.at("lat_samples").value, static_cast<double>(item_timed_operations * kItems));
  EXPECT_EQ(run.counters.at("lat_max_ns").value, 10000);
  EXPECT_NEAR(run.counters.at("lat_p50_ns").value, 5000, 5000 * 0.004);
  EXPECT_NEAR(run.counters.at("lat_p90_ns").value, 9000, 9000 * 0.004);
}

TEST(Reporters, PlainNamesDropTheRealTimeSuffix) {
  const auto plain = run_only<yb::PlainNames<CapturingReporter>>("test/timed_by_wall_clock");
  ASSERT_EQ(plain.runs.size(), 1u);
  EXPECT_EQ(plain.runs.front().benchmark_name(), "test/timed_by_wall_clock/iterations:10");
  const auto raw = run_only("test/timed_by_wall_clock");
  ASSERT_EQ(raw.runs.size(), 1u);
  EXPECT_EQ(raw.runs.front().benchmark_name(), "test/timed_by_wall_clock/iterations:10/real_time");
}

TEST(Reporters, ProgressPrintsOneLinePerBenchmarkWhateverItsRepetitions) {
  std::ostringstream out;
  yb::ProgressReporter progress;
  progress.SetOutputStream(&out);
  progress.SetErrorStream(&out);
  benchmark::RunSpecifiedBenchmarks(&progress, "^test/(repeated|wrong_checksum)");
  EXPECT_EQ(out.str(),  // registration order
            "YB_PROGRESS\ttest/wrong_checksum/min_time:0.010\tchecksum mismatch in warm-up: expected 42, got 41\n"
            "YB_PROGRESS\ttest/repeated/iterations:10/repeats:3\tok\n");
}

}  // namespace
