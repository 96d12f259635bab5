// Helpers the io family's benchmark bodies share.
#pragma once

#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace io {

// The longest one operation may take before it ends with an error (the watchdog); tests shorten it.
std::chrono::milliseconds& operation_timeout();

// Raises RLIMIT_NOFILE's soft limit to the hard one when `needed` descriptors do not fit; returns
// why they cannot (with the numbers), or empty.
std::string ensure_descriptors(std::uint64_t needed);

std::int64_t cpu_ns(clockid_t clock);

// kernel_bytes_per_conn from the machine's unreclaimable kernel memory before and after `conns`
// connections opened. The figure is machine-wide: when other work freed at least as much as the
// connections took, there is no growth to divide and the value is NaN, which the results contract
// leaves out with the reason registered for the counter (ybresults/counters.py), never a negative
// or zero size.
double kernel_bytes_per_connection(std::int64_t before, std::int64_t after, int conns);

// ctx_voluntary_per_request and ctx_involuntary_per_request from the per-operation counters.
void add_per_request(benchmark::State& state, double requests_per_operation);

}  // namespace io
