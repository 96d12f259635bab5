// The parallelism family's workloads: what each does, its parameters, the one compute kernel and
// the reference checksums. The one place these are defined.
//
// The seed's question: what does a worker cost to start, to talk to and to keep alive, and what
// does it buy for CPU-bound work — a thread against a process (the seed's ThreadPoolExecutor vs
// ProcessPoolExecutor over sum(range(1, n + 1)))?
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace parallelism {

// --- spawn_join -------------------------------------------------------------------------------
// What a spawned worker hands back: a thread stores it, a process exits with it as its status.
inline constexpr std::uint64_t kSpawnToken = 42;
inline constexpr std::uint64_t kParentMiB[] = {0, 256};
std::uint64_t spawn_join_checksum();

// --- ping_pong --------------------------------------------------------------------------------
enum class Placement { same_cpu, cross_cpu, unpinned };
inline constexpr Placement kPlacements[] = {Placement::same_cpu, Placement::cross_cpu, Placement::unpinned};
const char* to_string(Placement placement);

// Messages: the benchmark thread sends a token, the peer answers pong(token).
inline constexpr std::uint32_t kPing = 1;
inline constexpr std::uint32_t kPingReportCpu = 2;  // the peer also stores the CPU it runs on (untimed pass)
inline constexpr std::uint32_t kStop = 3;           // the peer leaves its loop
constexpr std::uint32_t pong(std::uint32_t token) { return token + 0x100; }
std::uint64_t ping_pong_checksum();

// --- cpu_sum ----------------------------------------------------------------------------------
struct WorkList {
  const char* name;
  std::span<const std::uint64_t> ns;
};
// The seed's WORK_LIST: one entry dwarfs the others, so a second worker cannot help much.
inline constexpr std::uint64_t kSeedList[] = {100, 1'000, 10'000, 100'000, 100'000'000};
// The same total work in four equal parts: what a second worker can halve.
inline constexpr std::uint64_t kBalancedList[] = {25'000'000, 25'000'000, 25'000'000, 25'000'000};
inline constexpr WorkList kWorkLists[] = {{"seed", kSeedList}, {"balanced", kBalancedList}};
inline constexpr int kCpuSumWorkers[] = {1, 2};
// Longest list an implementation must accept (tests use short ones).
inline constexpr std::size_t kMaxListLength = 16;

// The one compute kernel every cpu_sum variant runs: sum(range(1, n + 1)), element by element
// (each value passes an optimisation barrier, so it is never folded into n(n+1)/2). Defined
// once, noinline and 64-byte aligned, so code layout is the same for threads and processes.
[[gnu::noinline, gnu::aligned(64)]] std::uint64_t sum_to(std::uint64_t n);

// n(n+1)/2 mod 2^64.
std::uint64_t triangle(std::uint64_t n);
// A list's answer: each entry's sum weighted by its position, (2i + 1) * sum_i, all mod 2^64,
// so a result delivered to the wrong entry is caught, not only a wrong sum.
constexpr std::uint64_t weigh(std::size_t index, std::uint64_t sum) { return (2 * index + 1) * sum; }
std::uint64_t cpu_sum_checksum(std::span<const std::uint64_t> list);
// What an implementation returns: its per-entry results, weighed and summed.
std::uint64_t combine_results(std::span<const std::uint64_t> results);
std::uint64_t cpu_sum_items(std::span<const std::uint64_t> list);  // numbers summed

// --- shared_counter ---------------------------------------------------------------------------
inline constexpr std::uint64_t kIncrementsPerWorker = 100'000;
inline constexpr int kCounterWorkers[] = {1, 2};
std::uint64_t shared_counter_checksum(int workers, std::uint64_t increments);

// --- memory_per_worker ------------------------------------------------------------------------
inline constexpr int kIdleWorkers = 32;
std::uint64_t memory_per_worker_checksum(int workers);  // every worker reported idle

}  // namespace parallelism
