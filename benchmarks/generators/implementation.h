// What an implementation of the generators matchup provides: one function per workload, each
// returning the workload's checksum. An implementation's file fills one of these and registers
// it; registration turns it into a benchmark per workload and size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace generators {

struct Implementation {
  const char* name;
  const char* description;
  // True when memory grows with n: such an implementation also runs with warm allocator pages,
  // so its cost splits into first-touch page faults (cold) and the rest (warm).
  bool materialises;
  std::uint64_t (*sum_plus_one)(std::uint64_t n);
  std::uint64_t (*fibonacci_take)(std::uint64_t n);
  std::uint64_t (*pipeline_first)(std::uint64_t n);
  std::uint64_t (*csv_prices)(const std::string& path);
};

// Registers `implementation`'s benchmarks; returns true so a file can write
//   [[maybe_unused]] const bool registered = generators::register_implementation({...});
bool register_implementation(const Implementation& implementation);

// Every registered implementation, for the tests.
const std::vector<Implementation>& implementations();

}  // namespace generators
