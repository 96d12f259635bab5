#include "run_context.h"

#include <benchmark/benchmark.h>
#include <cpuid.h>
#include <sys/utsname.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "build_info.h"
#include "rss_probe.h"
#include "system_counters.h"

namespace yb {
namespace {

std::string first_line(const char* path, const char* fallback) {
  std::ifstream file(path);
  std::string line;
  if (std::getline(file, line) && !line.empty()) return line;
  return fallback;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

std::string hypervisor() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & (1u << 31)) == 0) return "none";
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char vendor[13] = {};
  std::memcpy(vendor + 0, &ebx, 4);
  std::memcpy(vendor + 4, &ecx, 4);
  std::memcpy(vendor + 8, &edx, 4);
  return vendor[0] != '\0' ? vendor : "unknown hypervisor";
}

std::string kernel() {
  utsname name{};
  if (::uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release + " " + name.machine;
}

std::string load_average() {
  double load[3] = {};
  if (::getloadavg(load, 3) != 3) return "unreadable";
  char text[64];
  std::snprintf(text, sizeof(text), "%.2f %.2f %.2f", load[0], load[1], load[2]);
  return text;
}

std::string unavailable_metrics() {
  std::string reasons;
  auto add = [&](const char* metrics, const std::string& why) {
    if (why.empty()) return;
    if (!reasons.empty()) reasons += "; ";
    reasons += std::string(metrics) + ": " + why;
  };
  add("ctx_switches, cpu_migrations, page_faults, task_clock_ns", perf_software_events_unavailable_reason());
  add("hardware counters (instructions, cycles)", perf_hardware_events_unavailable_reason());
  add("rss_peak_bytes", rss::unavailable_reason());
  return reasons.empty() ? "none" : reasons;
}

}  // namespace

double clock_read_ns() {
  static const double cost = [] {
    using clock = std::chrono::steady_clock;
    constexpr int kReads = 1000;
    double best = 1e9;
    for (int round = 0; round < 5; ++round) {
      const auto start = clock::now();
      for (int i = 0; i < kReads; ++i) benchmark::DoNotOptimize(clock::now());
      const std::chrono::duration<double, std::nano> spent = clock::now() - start;
      best = std::min(best, spent.count() / kReads);
    }
    return best;
  }();
  return cost;
}

void add_run_context() {
  const std::string hardware = perf_hardware_events_unavailable_reason();
  char clock_cost[32];
  std::snprintf(clock_cost, sizeof(clock_cost), "%.1f", clock_read_ns());

  benchmark::AddCustomContext("yb_version", build_info::version);
  benchmark::AddCustomContext("git_commit", build_info::git_commit);
  benchmark::AddCustomContext("compiler", build_info::compiler);
  benchmark::AddCustomContext("cxx_flags", build_info::cxx_flags);
  benchmark::AddCustomContext("build_preset", build_info::preset);
  benchmark::AddCustomContext("kernel", kernel());
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("cpu_count", std::to_string(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN))));
  benchmark::AddCustomContext("hypervisor", hypervisor());
  benchmark::AddCustomContext("hardware_counters", hardware.empty() ? "yes" : "no (" + hardware + ")");
  benchmark::AddCustomContext("load_avg_at_start", load_average());
  benchmark::AddCustomContext("cpu_governor", first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
                                                         "unreadable (no cpufreq in this kernel or VM)"));
  benchmark::AddCustomContext(
      "clocksource", first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", "unknown"));
  benchmark::AddCustomContext("clock_read_ns", clock_cost);
  benchmark::AddCustomContext("timing", "wall clock (real_time) for every benchmark; cpu_time is this thread's");
  benchmark::AddCustomContext("heap_counting",
                              "global operator new/delete, plus coroutine stacks reported by their allocators (other "
                              "malloc() callers are not counted)");
  benchmark::AddCustomContext("unavailable_metrics", unavailable_metrics());
}

}  // namespace yb
