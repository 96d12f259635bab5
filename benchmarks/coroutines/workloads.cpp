#include "coroutines/workloads.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "system_memory.h"

namespace coroutines {
namespace {

// n(n-1)/2 mod 2^64 without overflowing the intermediate product.
std::uint64_t sum_below(std::uint64_t n) { return n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2); }

std::uint64_t read_number(const char* path, std::uint64_t fallback) {
  std::ifstream file(path);
  std::uint64_t value = 0;
  return (file >> value) ? value : fallback;
}

std::string size_text(Size size, const char* size_param) {
  return std::string(size_param) + "=" + std::to_string(size.n);
}

}  // namespace

std::uint64_t switch_round_trip_checksum(std::uint64_t n) { return sum_below(n); }

std::uint64_t send_receive_checksum(std::uint64_t n) {
  // Deliberately the plain protocol, not a closed form: running totals, summed.
  std::uint64_t total = 0, running = 0;
  for (std::uint64_t x = 0; x < n; ++x) {
    running += x;
    total += running;
  }
  return total;
}

std::uint64_t create_destroy_checksum(std::uint64_t n) { return 2 * sum_below(n); }
std::uint64_t alive_many_checksum(std::uint64_t k) { return 2 * sum_below(k); }

std::uint64_t round_robin_checksum(std::uint64_t tasks, std::uint64_t yields) {
  std::uint64_t hash = kRoundRobinSeed;
  for (std::uint64_t step = 0; step < yields; ++step) {
    for (std::uint64_t task = 0; task < tasks; ++task) hash = round_robin_fold(hash, task * yields + step);
  }
  return hash;
}

std::uint64_t skynet_checksum(std::uint64_t leaves) { return sum_below(leaves); }

std::uint64_t skynet_nodes(std::uint64_t leaves) {
  std::uint64_t nodes = 0;
  for (std::uint64_t level = leaves; level >= 1; level /= kSkynetFanOut) {
    nodes += level;
    if (level == 1) break;
  }
  return nodes;
}

std::uint64_t checksum(const Workload& workload, Size size) {
  switch (workload.id) {
    case WorkloadId::switch_round_trip: return switch_round_trip_checksum(size.n);
    case WorkloadId::create_destroy: return create_destroy_checksum(size.n);
    case WorkloadId::send_receive: return send_receive_checksum(size.n);
    case WorkloadId::alive_many: return alive_many_checksum(size.n);
    case WorkloadId::round_robin: return round_robin_checksum(size.n, size.m);
    case WorkloadId::skynet: return skynet_checksum(size.n);
  }
  return 0;
}

std::uint64_t items(const Workload& workload, Size size) {
  switch (workload.id) {
    case WorkloadId::round_robin: return size.n * size.m;
    case WorkloadId::skynet: return skynet_nodes(size.n);
    default: return size.n;
  }
}

std::uint64_t resident_budget_bytes() {
  constexpr std::uint64_t kCeiling = 2ull << 30;  // 2 GiB
  const auto available = yb::system_memory::meminfo_bytes("MemAvailable");
  return available ? std::min(kCeiling, static_cast<std::uint64_t>(*available) / 4) : kCeiling;
}

std::uint64_t max_map_count() { return read_number("/proc/sys/vm/max_map_count", 65530); }

std::uint64_t current_map_count() {
  std::ifstream maps("/proc/self/maps");
  std::uint64_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

std::uint64_t threads_max() { return read_number("/proc/sys/kernel/threads-max", 0); }

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds >= 1) {
    std::snprintf(text, sizeof(text), "%.3g s", seconds);
  } else {
    std::snprintf(text, sizeof(text), "%.3g ms", seconds * 1e3);
  }
  return text;
}

std::string time_limit(Size size, const char* size_param, double estimated_seconds, const std::string& why,
                       double budget_seconds) {
  if (estimated_seconds <= budget_seconds) return {};
  return size_text(size, size_param) + ": ~" + format_seconds(estimated_seconds) + " per operation (" + why +
         ") against a " + format_seconds(budget_seconds) +
         " per-operation budget (a benchmark runs its operation ~8 times or more)";
}

std::string memory_limit(Size size, const char* size_param, double estimated_bytes, const std::string& why) {
  const auto budget = static_cast<double>(resident_budget_bytes());
  if (estimated_bytes <= budget) return {};
  return size_text(size, size_param) + ": ~" + format_bytes(estimated_bytes) + " resident (" + why +
         ") against this benchmark's budget of " + format_bytes(budget) +
         " (min of 2 GiB and MemAvailable/4: a shared machine)";
}

std::string mapping_limit(Size size, const char* size_param, std::uint64_t mappings, const std::string& why) {
  const std::uint64_t limit = max_map_count();
  const std::uint64_t held = current_map_count();
  if (held + mappings < limit) return {};
  return size_text(size, size_param) + ": " + std::to_string(mappings) + " mappings (" + why + ") + " +
         std::to_string(held) + " held > vm.max_map_count " + std::to_string(limit);
}

}  // namespace coroutines
