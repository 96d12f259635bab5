#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"
#include "measure.h"
#include "registry.h"

namespace coroutines {
namespace {

constexpr const char* kFamily = "coroutines";

std::vector<Implementation>& registered() {
  static std::vector<Implementation> all;
  return all;
}

using benchmark::Counter;

const Counter* find_counter(const benchmark::State& state, const char* name) {
  const auto found = state.counters.find(name);
  return found == state.counters.end() ? nullptr : &found->second;
}

// Per-unit figures from what yb::measure reported for its memory-probe operation.
void add_unit_counters(benchmark::State& state, const Implementation& implementation, const Workload& workload,
                       Size size) {
  const auto units = static_cast<double>(items(workload, size));
  if (workload.id == WorkloadId::create_destroy || workload.id == WorkloadId::alive_many ||
      workload.id == WorkloadId::skynet) {
    // Coroutines created per operation: create_destroy's n, alive_many's k, skynet's nodes.
    if (const Counter* allocs = find_counter(state, "heap_allocs")) {
      state.counters["heap_allocs_per_unit"] = Counter(allocs->value / units);
    }
  }
  if (workload.id != WorkloadId::alive_many) return;
  const Counter* heap = find_counter(state, "heap_peak_bytes");
  const Counter* rss = find_counter(state, "rss_peak_bytes");
  const auto bytes = [](double value) { return Counter(value, Counter::kDefaults, Counter::kIs1024); };
  if (heap != nullptr) state.counters["heap_bytes_per_unit"] = bytes(heap->value / units);
  if (rss != nullptr) state.counters["rss_bytes_per_unit"] = bytes(rss->value / units);
  const Counter* chosen = implementation.unit_memory == UnitMemory::heap ? heap : rss;
  if (chosen != nullptr) state.counters["bytes_per_unit"] = bytes(chosen->value / units);
}

void register_workload(const std::shared_ptr<const Implementation>& shared, const Workload& workload) {
  const Implementation& implementation = *shared;
  const Run run = implementation.run(workload);
  for (const Size size : workload.sizes) {
    for (const int variant : implementation.variants_of(workload)) {
      yb::BenchmarkName name{kFamily, workload.name, implementation.name, {{workload.param, std::to_string(size.n)}}};
      if (workload.second_param != nullptr) name.params.emplace_back(workload.second_param, std::to_string(size.m));
      if (implementation.variant_param != nullptr) {
        name.params.emplace_back(implementation.variant_param, implementation.variants.at(variant));
      }
      yb::register_benchmark(std::move(name), [shared, &workload, run, size, variant](benchmark::State& state) {
        const Implementation& implementation = *shared;
        if (implementation.limit != nullptr) {
          const std::string reason = implementation.limit(workload, size, variant);
          if (!reason.empty()) return yb::skip(state, reason);
        }
        const yb::Expectation expected{checksum(workload, size), static_cast<std::int64_t>(items(workload, size))};
        yb::measure(state, expected, [run, size, variant] { return run(size, variant); });
        if (state.error_occurred()) return;
        add_unit_counters(state, implementation, workload, size);
        if (implementation.annotate != nullptr) implementation.annotate(state, variant);
      });
    }
  }
}

[[maybe_unused]] const bool described = [] {
  yb::describe_family(kFamily,
                      "stackful (Boost.Context fiber, ucontext) vs stackless (C++20 coroutine, hand-written state "
                      "machine) coroutines, with an OS-thread handoff as the reference ceiling");
  for (const Workload* workload : all_workloads) yb::describe_workload(kFamily, workload->name, workload->description);
  return true;
}();

}  // namespace

Run Implementation::run(const Workload& workload) const {
  switch (workload.id) {
    case WorkloadId::switch_round_trip: return switch_round_trip;
    case WorkloadId::create_destroy: return create_destroy;
    case WorkloadId::send_receive: return send_receive;
    case WorkloadId::alive_many: return alive_many;
    case WorkloadId::round_robin: return round_robin;
    case WorkloadId::skynet: return skynet;
  }
  return nullptr;
}

std::vector<int> Implementation::variants_of(const Workload& workload) const {
  if (variants.empty()) return {0};
  if (variants_for != nullptr) return variants_for(workload);
  std::vector<int> all;
  for (int i = 0; i < static_cast<int>(variants.size()); ++i) all.push_back(i);
  return all;
}

const std::vector<Implementation>& implementations() { return registered(); }

bool register_implementation(const Implementation& implementation) {
  registered().push_back(implementation);
  yb::describe_implementation(kFamily, implementation.name, implementation.description);
  // The bodies share one copy: registered() may reallocate as later files register.
  const auto shared = std::make_shared<const Implementation>(implementation);
  for (const Workload* workload : all_workloads) register_workload(shared, *workload);
  return true;
}

}  // namespace coroutines
