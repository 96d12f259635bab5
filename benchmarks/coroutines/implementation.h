// What an implementation of the coroutines matchup registers beyond its functions (one Run per
// workload, see workloads.h), and helpers that let it state its variants and limits in the
// family's own terms (a Workload, a Size, a variant index).
//
//   YB_REGISTER_IMPLEMENTATION({
//       .name = "boost_fiber",
//       .description = "...",
//       .functions = {yb::implements(coroutines::switch_round_trip, run<WorkloadId::switch_round_trip>), ...},
//       .variants = coroutines::variants("stack", {"fixed", "protected", "pooled"}),
//       .variant_applies = coroutines::variant_applies(variants_for),
//       .unavailable = coroutines::unavailable(limit),
//       .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::rss},
//   });
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "coroutines/workloads.h"
#include "registration.h"

namespace coroutines {

// Which counter alive_many's bytes_per_unit divides by k: the memory a coroutine really holds
// comes from operator new (frames: heap_peak_bytes is exact) or from malloc/mmap (stacks:
// invisible to the heap counter, so the resident-set growth, rss_peak_bytes, is the honest figure).
enum class UnitMemory { heap, rss };

// Every coroutines implementation's yb::Implementation::details.
struct Details {
  UnitMemory unit_memory;
  // Adds counters of the implementation's own after a measured benchmark (e.g. CPU placement).
  void (*annotate)(benchmark::State& state, int variant) = nullptr;
};

// One variant per value, named `param:value`.
std::vector<std::vector<yb::Param>> variants(const char* param, std::initializer_list<const char*> values);
// variant_applies from the variants (indexes) that run each workload.
std::function<bool(const yb::WorkloadBase&, const yb::Variant&)> variant_applies(
    std::vector<int> (*which)(const Workload& workload));
// unavailable from why `workload` cannot run at `size` here (a kernel limit, memory, time), or empty.
std::function<std::string(const yb::WorkloadBase&, const yb::Point&, const yb::Variant&)> unavailable(
    std::string (*limit)(const Workload& workload, Size size, int variant));

// For the tests: the registered implementations, and each one's view in the family's terms.
std::vector<const yb::Implementation*> implementations();
Run run_of(const yb::Implementation& implementation, const Workload& workload);  // null: not implemented
std::vector<int> variants_of(const yb::Implementation& implementation, const Workload& workload);
std::string unavailable_reason(const yb::Implementation& implementation, const Workload& workload, Size size,
                               int variant);

}  // namespace coroutines
