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

// ctx_voluntary_per_request and ctx_involuntary_per_request from the per-operation counters.
void add_per_request(benchmark::State& state, double requests_per_operation);

}  // namespace io
