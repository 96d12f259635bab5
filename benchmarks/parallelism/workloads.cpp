#include "parallelism/workloads.h"

#include "support.h"

namespace parallelism {

std::uint64_t spawn_join_checksum() { return kSpawnToken; }

const char* to_string(Placement placement) {
  switch (placement) {
    case Placement::same_cpu: return "same_cpu";
    case Placement::cross_cpu: return "cross_cpu";
    case Placement::unpinned: return "unpinned";
  }
  return "?";
}

std::uint64_t ping_pong_checksum() { return pong(kPing); }

std::uint64_t sum_to(std::uint64_t n) {
  std::uint64_t total = 0;
  for (std::uint64_t x = 1; x <= n; ++x) total += yb::opaque(x);
  return total;
}

std::uint64_t triangle(std::uint64_t n) { return n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2); }

std::uint64_t cpu_sum_checksum(std::span<const std::uint64_t> list) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) total += weigh(i, triangle(list[i]));
  return total;
}

std::uint64_t combine_results(std::span<const std::uint64_t> results) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < results.size(); ++i) total += weigh(i, results[i]);
  return total;
}

std::uint64_t cpu_sum_items(std::span<const std::uint64_t> list) {
  std::uint64_t items = 0;
  for (const std::uint64_t n : list) items += n;
  return items;
}

std::uint64_t shared_counter_checksum(int workers, std::uint64_t increments) {
  return static_cast<std::uint64_t>(workers) * increments;
}

std::uint64_t memory_per_worker_checksum(int workers) { return static_cast<std::uint64_t>(workers); }

}  // namespace parallelism
