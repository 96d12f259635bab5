#include "reporters.h"

#include <iostream>

namespace yb {

bool ProgressReporter::ReportContext(const Context&) { return true; }

void ProgressReporter::ReportRuns(const std::vector<Run>& runs) {
  // With repetitions Google Benchmark reports a benchmark twice: its runs, then its aggregates.
  if (runs.empty() || runs.front().run_type == Run::RT_Aggregate) return;
  const Run& first = runs.front();
  benchmark::BenchmarkName name = first.run_name;
  name.time_type.clear();
  auto& out = GetOutputStream();
  out << "YB_PROGRESS\t" << name.str() << '\t' << (first.error_occurred ? first.error_message : "ok") << '\n';
  out.flush();
}

void ProgressReporter::announce_call(const std::string& name) {
  // Google Benchmark's reporters write to std::cout by default: the same stream, in order.
  std::cout << "YB_PROGRESS\t" << name << "\trunning\n" << std::flush;
}

}  // namespace yb
