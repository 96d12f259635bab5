// The registered benchmarks, run through Google Benchmark as bin/yb_coroutines runs them: names,
// the per-unit counters alive_many adds, and skips that name the size and the limit.
#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "measure.h"
#include "registration.h"
#include "registry.h"

namespace {

class CapturingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) this->runs[run.run_name.function_name] = run;
  }
  std::map<std::string, Run> runs;  // by name without the /real_time suffix
};

// Registers the family's benchmarks with Google Benchmark once, with short runs.
void register_once() {
  static const bool done = [] {
    int argc = 2;
    char program[] = "coroutines_tests";
    char min_time[] = "--benchmark_min_time=0.01";
    char* argv[] = {program, min_time, nullptr};
    benchmark::Initialize(&argc, argv);
    yb::measure_settings().latency_seconds = 0.001;
    yb::register_implementations();
    yb::register_all_with_google_benchmark();
    return true;
  }();
  (void)done;
}

CapturingReporter run_matching(const std::string& regex) {
  register_once();
  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, regex);
  return reporter;
}

double counter(const benchmark::BenchmarkReporter::Run& run, const char* name) {
  const auto found = run.counters.find(name);
  return found == run.counters.end() ? -1 : found->second.value;
}

TEST(CoroutinesBenchmarks, AliveManyReportsBytesPerCoroutineFromTheHonestCounter) {
  const auto reporter = run_matching(
      "^coroutines/alive_many/(state_machine|cxx20_coroutine|boost_fiber)/k:1000(/stack:fixed)?/real_time$");
  ASSERT_EQ(reporter.runs.size(), 3u);

  // Machines in one exact vector: 16 bytes each (the heap counter reports what malloc holds).
  const auto& machines = reporter.runs.at("coroutines/alive_many/state_machine/k:1000");
  ASSERT_FALSE(machines.error_occurred) << machines.error_message;
  EXPECT_NEAR(counter(machines, "bytes_per_unit"), 16, 1);
  EXPECT_EQ(counter(machines, "bytes_per_unit"), counter(machines, "heap_bytes_per_unit"));
  EXPECT_LT(counter(machines, "heap_allocs_per_unit"), 0.01) << "one vector for all";

  // One frame each, from operator new: tens of bytes, not pages.
  const auto& frames = reporter.runs.at("coroutines/alive_many/cxx20_coroutine/k:1000");
  ASSERT_FALSE(frames.error_occurred) << frames.error_message;
  EXPECT_EQ(counter(frames, "bytes_per_unit"), counter(frames, "heap_bytes_per_unit"));
  EXPECT_GT(counter(frames, "bytes_per_unit"), 16);
  EXPECT_LT(counter(frames, "bytes_per_unit"), 512);
  EXPECT_NEAR(counter(frames, "heap_allocs_per_unit"), 1, 0.01) << "one frame per coroutine";

  // Stacks from malloc: the heap figures hold each whole 64 KiB stack (reported by its allocator),
  // bytes_per_unit the RSS growth (only the pages a fiber touches).
  const auto& fibers = reporter.runs.at("coroutines/alive_many/boost_fiber/k:1000/stack:fixed");
  ASSERT_FALSE(fibers.error_occurred) << fibers.error_message;
  EXPECT_GE(counter(fibers, "heap_bytes_per_unit"), 64 * 1024) << "a whole stack per fiber";
  EXPECT_GE(counter(fibers, "heap_allocs_per_unit"), 1) << "a stack per fiber";
#if defined(__SANITIZE_THREAD__)
  // Its allocator keeps freed blocks resident and hands them out again, so the stacks of the
  // measured operation reuse the warm-up's pages and the resident set does not grow.
  GTEST_SKIP() << "fibers' RSS growth not checked under TSan: its allocator keeps freed stacks resident";
#endif
  if (fibers.counters.count("rss_peak_bytes")) {
    EXPECT_EQ(counter(fibers, "bytes_per_unit"), counter(fibers, "rss_bytes_per_unit"));
    EXPECT_GE(counter(fibers, "bytes_per_unit"), 4096) << "at least one touched page per stack";
  }
}

TEST(CoroutinesBenchmarks, OtherWorkloadsReportNoBytesPerUnit) {
  const auto reporter = run_matching("^coroutines/switch_round_trip/state_machine/n:1000/real_time$");
  ASSERT_EQ(reporter.runs.size(), 1u);
  const auto& run = reporter.runs.begin()->second;
  ASSERT_FALSE(run.error_occurred) << run.error_message;
  EXPECT_EQ(run.counters.count("bytes_per_unit"), 0u);
  EXPECT_EQ(run.iterations * 1000,
            static_cast<benchmark::IterationCount>(counter(run, "items_per_second") * run.real_accumulated_time + 0.5))
      << "items are round trips";
}

// Sizes an implementation cannot reach end as skips naming the size and the limit, never as a
// crash: a million guard-page stacks need two million mappings (or more memory than a shared
// machine lends), a million OS threads more than the kernel allows.
TEST(CoroutinesBenchmarks, SizesBeyondALimitAreSkippedWithTheSizeAndTheReason) {
  const auto reporter = run_matching(
      "^coroutines/alive_many/(boost_fiber|thread_handoff)/k:1000000/(stack:protected|cpus:same)/real_time$");
  ASSERT_EQ(reporter.runs.size(), 2u);
  for (const auto& [name, run] : reporter.runs) {
    EXPECT_TRUE(run.error_occurred) << name;
    EXPECT_EQ(run.error_message.rfind(std::string(yb::kSkippedPrefix) + "k=1000000: ", 0), 0u) << run.error_message;
  }
}

}  // namespace
