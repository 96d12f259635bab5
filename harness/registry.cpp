#include "registry.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "failpoints.h"
#include "leak_audit.h"
#include "measure.h"

namespace yb {
namespace {

struct Registered {
  BenchmarkName name;
  BenchmarkBody body;
};

// Function-local statics: registration runs during static initialisation of other files.
std::vector<Registered>& registered() {
  static std::vector<Registered> all;
  return all;
}

// kind -> path -> text; std::map keeps `list` output sorted.
CallListener& call_listener() {
  static CallListener listener = nullptr;
  return listener;
}

std::map<std::string, std::map<std::string, std::string>>& descriptions() {
  static std::map<std::string, std::map<std::string, std::string>> all;
  return all;
}

bool valid_part(const std::string& part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

// Orders "n:1000" before "n:100000": numeric values compare as numbers.
bool value_less(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  const auto [end_a, err_a] = std::from_chars(a.data(), a.data() + a.size(), x);
  const auto [end_b, err_b] = std::from_chars(b.data(), b.data() + b.size(), y);
  const bool numeric =
      err_a == std::errc{} && err_b == std::errc{} && end_a == a.data() + a.size() && end_b == b.data() + b.size();
  return numeric ? x < y : a < b;
}

bool name_less(const BenchmarkName& a, const BenchmarkName& b) {
  if (std::tie(a.family, a.workload, a.implementation) != std::tie(b.family, b.workload, b.implementation)) {
    return std::tie(a.family, a.workload, a.implementation) < std::tie(b.family, b.workload, b.implementation);
  }
  return std::lexicographical_compare(a.params.begin(), a.params.end(), b.params.begin(), b.params.end(),
                                      [](const auto& x, const auto& y) {
                                        return x.first != y.first ? x.first < y.first : value_less(x.second, y.second);
                                      });
}

}  // namespace

std::string BenchmarkName::str() const {
  std::string text = family + "/" + workload + "/" + implementation;
  for (const auto& [key, value] : params) text += "/" + key + ":" + value;
  return text;
}

void register_benchmark(BenchmarkName name, BenchmarkBody body) {
  bool valid = valid_part(name.family) && valid_part(name.workload) && valid_part(name.implementation);
  for (const auto& [key, value] : name.params) valid = valid && valid_part(key) && valid_part(value);
  if (!valid) throw std::invalid_argument("yieldbench: malformed benchmark name: " + name.str());
  registered().push_back({std::move(name), std::move(body)});
}

void on_every_call(CallListener listener) { call_listener() = listener; }

void describe_family(const std::string& family, const std::string& text) { descriptions()["family"][family] = text; }

void describe_workload(const std::string& family, const std::string& workload, const std::string& text) {
  descriptions()["workload"][family + "/" + workload] = text;
}

void describe_implementation(const std::string& family, const std::string& implementation, const std::string& text) {
  descriptions()["implementation"][family + "/" + implementation] = text;
}

void register_all_with_google_benchmark() {
  auto& all = registered();
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return name_less(a.name, b.name); });
  for (const auto& entry : all) {
    // Each benchmark keeps a memo across Google Benchmark's calls of it (see measure.h).
    auto memo = std::make_shared<detail::BenchmarkMemo>();
    auto body = [memo, run = entry.body, name = entry.name.str()](benchmark::State& state) {
      if (call_listener() != nullptr) call_listener()(name);
      failpoints::before_call(name);
      const auto before = leak_audit::Census::take();
      detail::current_memo() = memo.get();
      failpoints::current_slowdown_percent() = failpoints::slowdown_percent(name);
      run(state);
      failpoints::current_slowdown_percent() = 0;
      detail::current_memo() = nullptr;
      failpoints::after_call(name);
      const std::string leaked = leak_audit::settled_leftovers(before);
      if (!leaked.empty()) {
        // Also on stderr: a benchmark that had already failed keeps its first error message.
        std::fprintf(stderr, "yieldbench: %s leaked %s\n", name.c_str(), leaked.c_str());
        state.SkipWithError(("leaked " + leaked).c_str());
      }
    };
    // Real time: thread and process benchmarks spend time this thread's CPU clock cannot see.
    benchmark::RegisterBenchmark(entry.name.str().c_str(), body)->UseRealTime();
  }
}

void print_descriptions() {
  for (const char* kind : {"family", "workload", "implementation"}) {
    for (const auto& [path, text] : descriptions()[kind]) std::printf("%s\t%s\t%s\n", kind, path.c_str(), text.c_str());
  }
}

}  // namespace yb
