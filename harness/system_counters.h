// Kernel-side costs of a region: context switches, migrations, page faults, CPU time.
//
// Two sources, both read only at the region's edges (never inside a timed loop):
//  - getrusage: voluntary/involuntary switches and page faults of this process (all its threads)
//    plus its waited-for children;
//  - perf_event_open software events opened on every thread of the process (a server started
//    before the region runs on threads of its own), each with `inherit`, so threads and children
//    started inside the region are counted too. Hardware events are optional, absent on most VMs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yb {

struct SystemUsage {
  // getrusage, self plus children
  std::int64_t ctx_voluntary = 0;
  std::int64_t ctx_involuntary = 0;
  std::int64_t minor_faults = 0;
  std::int64_t major_faults = 0;
  // perf software events; empty when perf_event_open is not permitted or not supported
  std::optional<std::int64_t> ctx_switches;
  std::optional<std::int64_t> cpu_migrations;
  std::optional<std::int64_t> page_faults;
  std::optional<std::int64_t> task_clock_ns;
};

// Why the perf software events cannot be read here, or empty when they can (checked once).
const std::string& perf_software_events_unavailable_reason();
// Why hardware events (instructions) cannot be read here, or empty when they can.
const std::string& perf_hardware_events_unavailable_reason();

class SystemCounters {
 public:
  // Perf events cost the counted threads about 1 us per context switch while they are open (the
  // scheduler's perf hooks), so a timed region takes rusage only and the events get a pass of
  // their own.
  enum class Sources { rusage_only, rusage_and_perf_events };

  explicit SystemCounters(Sources sources = Sources::rusage_and_perf_events);  // then the starting rusage
  ~SystemCounters();
  SystemCounters(const SystemCounters&) = delete;
  SystemCounters& operator=(const SystemCounters&) = delete;

  // What happened since construction.
  SystemUsage elapsed() const;

 private:
  // Per thread that existed at construction: context-switches, cpu-migrations, page-faults,
  // task-clock, in that order.
  std::vector<int> perf_fds_;
  SystemUsage start_;
};

}  // namespace yb
