// The run context: everything about the build and the machine that a result depends on,
// added to Google Benchmark's own context block before any benchmark runs.
#pragma once

namespace yb {

// Adds version, commit, compiler, flags, preset, kernel, CPU, hypervisor, clock source and cost,
// load, governor, and which metrics cannot be measured here and why.
void add_run_context();

// Cost of one steady_clock read in nanoseconds on this machine (measured once).
double clock_read_ns();

}  // namespace yb
