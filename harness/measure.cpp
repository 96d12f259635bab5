#include "measure.h"

#include <algorithm>
#include <cstdio>

#include "run_context.h"

namespace yb {

MeasureSettings& measure_settings() {
  static MeasureSettings settings;
  return settings;
}

void skip(benchmark::State& state, const std::string& reason) {
  state.SkipWithError((kSkippedPrefix + reason).c_str());
}

namespace detail {
namespace {

using benchmark::Counter;

// Fewer samples than this make no percentile worth printing.
constexpr int kMinLatencySamples = 10;

// Percentiles that the sample count can support: p99 needs 100 samples, p99.9 needs 1000.
struct Percentile {
  const char* counter;
  const char* name;
  double quantile;
  std::uint64_t min_samples;
};
constexpr Percentile kPercentiles[] = {{"lat_p50_ns", "p50", 0.50, kMinLatencySamples},
                                       {"lat_p90_ns", "p90", 0.90, kMinLatencySamples},
                                       {"lat_p99_ns", "p99", 0.99, 100},
                                       {"lat_p999_ns", "p99.9", 0.999, 1000}};

Counter bytes(double value) { return Counter(value, Counter::kDefaults, Counter::kIs1024); }

}  // namespace

BenchmarkMemo*& current_memo() {
  thread_local BenchmarkMemo* memo = nullptr;
  return memo;
}

MemorySample probe_memory_once(const std::function<void()>& one_operation) {
  BenchmarkMemo* memo = current_memo();
  if (memo != nullptr && memo->memory) return *memo->memory;
  MemorySample sample;
  {
    rss::PeakGrowth rss_growth;
    heap::start_counting();
    one_operation();
    sample.heap = heap::stop_counting();
    sample.rss_peak_bytes = rss_growth.bytes();
  }
  if (memo != nullptr) memo->memory = sample;
  return sample;
}

failpoints::ExtraWork extra_work_once(double percent, const std::function<void()>& one_operation) {
  if (percent <= 0) return {};
  BenchmarkMemo* memo = current_memo();
  if (memo != nullptr && memo->extra_work) return *memo->extra_work;
  const failpoints::ExtraWork extra(percent, one_operation);
  if (memo != nullptr) memo->extra_work = extra;
  return extra;
}

EventSample count_kernel_events(double mean_ns, std::int64_t iterations, const std::function<void()>& one_operation) {
  if (!perf_software_events_unavailable_reason().empty()) return {};
  // As many operations as the latency budget holds, at least one, at most the timed loop's count.
  const double budget_ns = measure_settings().latency_seconds * 1e9;
  const auto fit = static_cast<std::int64_t>(mean_ns > 0 ? budget_ns / mean_ns : 1);
  const std::int64_t operations = std::clamp<std::int64_t>(fit, 1, std::max<std::int64_t>(iterations, 1));
  SystemCounters counters(SystemCounters::Sources::rusage_and_perf_events);
  for (std::int64_t i = 0; i < operations; ++i) one_operation();
  return {counters.elapsed(), static_cast<double>(operations)};
}

bool checksum_ok(benchmark::State& state, std::uint64_t expected, std::uint64_t actual, const char* where) {
  if (expected == actual) return true;
  char message[160];
  std::snprintf(message, sizeof(message), "checksum mismatch in %s: expected %llu, got %llu", where,
                static_cast<unsigned long long>(expected), static_cast<unsigned long long>(actual));
  state.SkipWithError(message);
  return false;
}

std::string latency_skip_reason(double mean_ns, double items_per_operation) {
  const auto& settings = measure_settings();
  const double clock_ns = clock_read_ns();
  char reason[160] = "";
  if (items_per_operation > 0) {
    const double item_ns = mean_ns / items_per_operation;
    if (item_ns < settings.latency_min_clock_reads * clock_ns) {
      std::snprintf(reason, sizeof(reason), "latency: mean only (item %.1f ns < %.0f clock reads of %.1f ns)", item_ns,
                    settings.latency_min_clock_reads, clock_ns);
    } else if (std::max(1.0, settings.latency_seconds * 1e9 / mean_ns) * items_per_operation < kMinLatencySamples) {
      std::snprintf(reason, sizeof(reason), "latency: mean only (fewer than %d items fit %.3g s)", kMinLatencySamples,
                    settings.latency_seconds);
    }
    return reason;
  }
  if (mean_ns < settings.latency_min_clock_reads * clock_ns) {
    std::snprintf(reason, sizeof(reason), "latency: mean only (op %.1f ns < %.0f clock reads of %.1f ns)", mean_ns,
                  settings.latency_min_clock_reads, clock_ns);
  } else if (mean_ns * kMinLatencySamples > settings.latency_seconds * 1e9) {
    std::snprintf(reason, sizeof(reason), "latency: mean only (op %.3g ms: fewer than %d samples fit %.3g s)",
                  mean_ns / 1e6, kMinLatencySamples, settings.latency_seconds);
  }
  return reason;
}

void report(benchmark::State& state, const Expectation& expected, const MemorySample& memory, const SystemUsage& usage,
            const EventSample& events, const LatencyHistogram* latency, const std::string& latency_skipped) {
  const auto iterations = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * expected.items_per_operation);
  auto& counters = state.counters;

  counters["heap_allocs"] = static_cast<double>(memory.heap.allocations);
  counters["heap_peak_bytes"] = bytes(static_cast<double>(memory.heap.peak_live_bytes));
  counters["heap_total_bytes"] = bytes(static_cast<double>(memory.heap.allocated_bytes));
  if (memory.rss_peak_bytes) counters["rss_peak_bytes"] = bytes(static_cast<double>(*memory.rss_peak_bytes));

  counters["page_faults_major"] = static_cast<double>(usage.major_faults) / iterations;
  counters["ctx_voluntary"] = static_cast<double>(usage.ctx_voluntary) / iterations;
  counters["ctx_involuntary"] = static_cast<double>(usage.ctx_involuntary) / iterations;
  if (const SystemUsage& kernel = events.usage; kernel.ctx_switches && events.operations > 0) {
    counters["ctx_switches"] = static_cast<double>(*kernel.ctx_switches) / events.operations;
    counters["cpu_migrations"] = static_cast<double>(*kernel.cpu_migrations) / events.operations;
    counters["page_faults"] = static_cast<double>(*kernel.page_faults) / events.operations;
    counters["task_clock_ns"] = static_cast<double>(*kernel.task_clock_ns) / events.operations;
  } else {
    counters["page_faults"] = static_cast<double>(usage.minor_faults + usage.major_faults) / iterations;
  }

  std::string label = latency_skipped;
  if (latency != nullptr) {
    counters["lat_samples"] = static_cast<double>(latency->count());
    for (const auto& p : kPercentiles) {
      if (latency->count() >= p.min_samples) {
        counters[p.counter] = static_cast<double>(latency->percentile(p.quantile));
      } else if (label.empty()) {
        label = "latency: " + std::to_string(latency->count()) + " samples within the pass budget; " + p.name +
                " and above need " + std::to_string(p.min_samples);
      }
    }
    counters["lat_max_ns"] = static_cast<double>(latency->max());
  }
  if (!label.empty()) state.SetLabel(label);
}

}  // namespace detail
}  // namespace yb
