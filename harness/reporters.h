// The reporters a family executable uses.
//
// Google Benchmark appends "/real_time" to the name of every benchmark timed by wall clock.
// yieldbench names carry only family/workload/implementation/params (reports split them on '/'),
// and every yieldbench benchmark is timed by wall clock, so the suffix is dropped from names and
// stated once in the run context instead ("timing").
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace yb {

template <class Reporter>
class PlainNames : public Reporter {
 public:
  using Reporter::Reporter;
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    std::vector<benchmark::BenchmarkReporter::Run> renamed = runs;
    for (auto& run : renamed) run.run_name.time_type.clear();
    Reporter::ReportRuns(renamed);
    // A family killed mid-run (watchdog, Ctrl-C) leaves every finished benchmark in its file.
    this->GetOutputStream().flush();
  }
};

// Machine-readable progress lines on standard output, for `yieldbench run`:
//   YB_PROGRESS <tab> name <tab> "running"                  before each call of a benchmark
//   YB_PROGRESS <tab> name <tab> "ok" or the error message  once per finished benchmark
// Google Benchmark reports a benchmark once all its repetitions are done, interleaved or not,
// then its aggregates separately; only the first report counts.
class ProgressReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  // The "running" line; a registry call listener (registry.h).
  static void announce_call(const std::string& name);
};

}  // namespace yb
