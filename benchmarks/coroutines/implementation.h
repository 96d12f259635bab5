// What an implementation of the coroutines matchup provides: one function per workload, each
// returning the workload's checksum. An implementation's file fills one of these and registers
// it; registration turns it into a benchmark per workload, size and variant.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "coroutines/workloads.h"

namespace coroutines {

// Which counter alive_many's bytes_per_unit divides by k: the memory a coroutine really holds
// comes from operator new (frames: heap_peak_bytes is exact) or from malloc/mmap (stacks:
// invisible to the heap counter, so the resident-set growth, rss_peak_bytes, is the honest figure).
enum class UnitMemory { heap, rss };

// One workload of one implementation at one size and variant (an index into `variants`, or 0).
using Run = std::uint64_t (*)(Size size, int variant);

struct Implementation {
  const char* name;
  const char* description;
  UnitMemory unit_memory;
  // A benchmark-name parameter choosing a variant ("stack", "cpus") and its values, or none.
  const char* variant_param = nullptr;
  std::vector<const char*> variants = {};
  // The variants that run `workload` (indexes into `variants`); nullptr: all of them.
  std::vector<int> (*variants_for)(const Workload& workload) = nullptr;
  // Why `workload` cannot run at `size` here (a kernel limit, memory, time), or empty when it can.
  std::string (*limit)(const Workload& workload, Size size, int variant) = nullptr;
  // Adds counters of the implementation's own after a measured benchmark (e.g. CPU placement).
  void (*annotate)(benchmark::State& state, int variant) = nullptr;

  Run switch_round_trip;
  Run create_destroy;
  Run send_receive;
  Run alive_many;
  Run round_robin;
  Run skynet;

  Run run(const Workload& workload) const;
  std::vector<int> variants_of(const Workload& workload) const;
};

// Registers `implementation`'s benchmarks; returns true so a file can write
//   [[maybe_unused]] const bool registered = coroutines::register_implementation({...});
bool register_implementation(const Implementation& implementation);

// Every registered implementation, for the tests.
const std::vector<Implementation>& implementations();

}  // namespace coroutines
