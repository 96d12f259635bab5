// Entry point of every family executable (bin/yb_<family>): Google Benchmark's flags plus a few
// of yieldbench's own, the run context, the heap-counting memory manager and a fixed allocator
// policy.
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "allocator_policy.h"
#include "instrumentation.h"
#include "measure.h"
#include "registration.h"
#include "registry.h"
#include "reporters.h"
#include "run_context.h"
#include "supervision.h"

namespace {

struct Options {
  bool list = false;
  bool progress = false;
  bool json_file = false;  // --benchmark_out given, in JSON (the default format)
  bool json_display = false;
  bool csv_display = false;
};

void print_help() {
  std::printf(
      "A yieldbench family executable: Google Benchmark plus yieldbench's counters.\n"
      "Usually run through `scripts/yieldbench run`; run it directly to investigate one benchmark.\n\n"
      "yieldbench flags:\n"
      "  --yb_list                  print families, workloads, implementations, the workloads an\n"
      "                             implementation does not implement and the benchmarks of the full\n"
      "                             profile only (tab-separated), and exit\n"
      "  --yb_progress              print 'YB_PROGRESS<TAB>name<TAB>running' before each call of a benchmark\n"
      "                             and 'YB_PROGRESS<TAB>name<TAB>status' once it is done, instead of the\n"
      "                             console table (results still go to --benchmark_out)\n"
      "  --yb_latency_seconds=S     time budget of each benchmark's per-operation latency pass (default %.2f)\n"
      "  --yb_perf_control=FD[,ACK] write 'enable'/'disable' to FD around each timed loop (perf record\n"
      "                             --control fd:..., --delay=-1) and await perf's ack on ACK\n\n"
      "Every benchmark is audited for leaks: a call that leaves an fd, a child process or a thread behind\n"
      "ends with an error naming it. YB_FAILPOINT=ACTION@NAME (hang, crash, exit, noisy:MB, leak_fd) makes a\n"
      "benchmark misbehave on purpose, for the suite's own tests.\n\n"
      "Google Benchmark flags:\n",
      yb::measure_settings().latency_seconds);
  benchmark::PrintDefaultHelp();
}

// Removes yieldbench's flags from argv, leaving Google Benchmark's; exits 2 on a malformed one.
Options take_yieldbench_flags(int* argc, char** argv) {
  Options options;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string_view arg = argv[i];
    constexpr std::string_view kLatency = "--yb_latency_seconds=";
    constexpr std::string_view kPerfControl = "--yb_perf_control=";
    if (arg == "--yb_list") {
      options.list = true;
    } else if (arg == "--yb_progress") {
      options.progress = true;
    } else if (arg.substr(0, kLatency.size()) == kLatency) {
      char* end = nullptr;
      const double seconds = std::strtod(argv[i] + kLatency.size(), &end);
      if (end == argv[i] + kLatency.size() || *end != '\0' || seconds < 0) {
        std::fprintf(stderr, "%s: --yb_latency_seconds needs a non-negative number, got '%s'\n", argv[0],
                     argv[i] + kLatency.size());
        std::exit(2);
      }
      yb::measure_settings().latency_seconds = seconds;
    } else if (arg.substr(0, kPerfControl.size()) == kPerfControl) {
      if (!yb::instrumentation::set_perf_control(arg.substr(kPerfControl.size()))) {
        std::fprintf(stderr, "%s: --yb_perf_control needs FD or FD,ACK_FD, got '%s'\n", argv[0],
                     argv[i] + kPerfControl.size());
        std::exit(2);
      }
    } else if (arg.substr(0, 5) == "--yb_") {
      std::fprintf(stderr, "%s: unknown flag %s (see --help)\n", argv[0], argv[i]);
      std::exit(2);
    } else {
      if (arg.substr(0, 16) == "--benchmark_out=") options.json_file = true;
      if (arg.substr(0, 23) == "--benchmark_out_format=" && arg != "--benchmark_out_format=json") {
        std::fprintf(stderr, "%s: yieldbench writes result files as JSON only (got %s)\n", argv[0], argv[i]);
        std::exit(2);
      }
      if (arg == "--benchmark_format=json") options.json_display = true;
      if (arg == "--benchmark_format=csv") options.csv_display = true;
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  yb::stay_with_supervisor();  // first: nothing may outlive a killed supervisor
  const Options options = take_yieldbench_flags(&argc, argv);
  yb::pin_cold_allocator_policy();
  yb::register_implementations();
  yb::register_all_with_google_benchmark();
  benchmark::Initialize(&argc, argv, print_help);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (options.list) {
    yb::print_descriptions();
    yb::print_not_implemented();
    yb::print_full_profile_only();
    return 0;
  }

  yb::add_run_context();
  yb::add_item_context();
  // No benchmark::MemoryManager: in Google Benchmark 1.7.1 each repetition's memory result lives in
  // a std::vector that the next repetition's push_back reallocates, so every repetition but the
  // last reports freed memory (max_bytes_used ~7e18 seen here). measure()'s heap probe and
  // counters (heap_peak_bytes, heap_allocs, heap_total_bytes) report the same allocations.
  yb::ProgressReporter progress;
  yb::PlainNames<benchmark::JSONReporter> json_display;
  yb::PlainNames<benchmark::ConsoleReporter> console(::isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                                             : benchmark::ConsoleReporter::OO_None);
  benchmark::BenchmarkReporter* display = &console;
  if (options.progress) {
    display = &progress;
    yb::on_every_call(yb::ProgressReporter::announce_call);
  }
  if (options.json_display) display = &json_display;
  if (options.csv_display) display = nullptr;  // Google Benchmark's own (deprecated) CSV reporter
  yb::PlainNames<benchmark::JSONReporter> json_file;
  benchmark::RunSpecifiedBenchmarks(display, options.json_file ? &json_file : nullptr);
  benchmark::Shutdown();
  return 0;
}
