// Benchmark names and registration.
//
// Families register their benchmarks and descriptions from static initialisers; main() hands
// them to Google Benchmark sorted by name, so run order never depends on link order. The
// registry knows nothing of any family: names are data.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace yb {

// family/workload/implementation/param:value[/param:value...], the only thing reports parse.
struct BenchmarkName {
  std::string family;
  std::string workload;
  std::string implementation;
  std::vector<std::pair<std::string, std::string>> params;

  std::string str() const;
};

using BenchmarkBody = std::function<void(benchmark::State&)>;

void register_benchmark(BenchmarkName name, BenchmarkBody body);

// One-line descriptions shown by `yieldbench list`.
void describe_family(const std::string& family, const std::string& text);
void describe_workload(const std::string& family, const std::string& workload, const std::string& text);
void describe_implementation(const std::string& family, const std::string& implementation, const std::string& text);

// Hands every registered benchmark to Google Benchmark, in name order. Around each call of a
// benchmark the leak audit (leak_audit.h) runs: what the call leaves open ends it with an error.
void register_all_with_google_benchmark();

// Called with the benchmark's name before each call of it: Google Benchmark calls a benchmark
// several times (estimating its iteration count, once per repetition), and
// `yieldbench run`'s watchdog adds up the time of each benchmark's calls.
using CallListener = void (*)(const std::string& name);
void on_every_call(CallListener listener);
// Prints the descriptions as tab-separated lines: kind, path, text.
void print_descriptions();

}  // namespace yb
