// Telling a profiler where the measured region is: the edges of measure()'s timed loop.
//
//   * callgrind: CALLGRIND_START/STOP_INSTRUMENTATION client requests (no-ops outside valgrind), so
//     a run under `valgrind --tool=callgrind --instr-atstart=no` counts the timed loop only;
//   * perf: with --yb_perf_control=FD[,ACK_FD] (the descriptors of `perf record --control fd:...`,
//     recording started with --delay=-1), "enable" and "disable" are written around the loop and,
//     with ACK_FD, perf's acknowledgement is awaited, so samples come from the timed loop only.
//
// Both are called outside `for (auto _ : state)`, never inside it, and cost one predictable branch
// (plus valgrind's few-instruction client-request marker) when no profiler is attached.
#pragma once

#include <string_view>

namespace yb::instrumentation {

// Parses "FD" or "FD,ACK_FD"; false when malformed. Called by main() for --yb_perf_control.
bool set_perf_control(std::string_view spec);

// Around the timed loop of one benchmark call.
void measured_region_begin();
void measured_region_end();

}  // namespace yb::instrumentation
