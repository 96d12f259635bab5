// The coroutines family's workloads: what each computes, the values every implementation's
// coroutines must produce, the sizes the suite runs, and the reference checksums. The one place
// these are defined.
//
// The seed's question: what does a coroutine cost, stackful (its own stack: Boost.Context fiber,
// ucontext) against stackless (a frame: C++20 coroutine, hand-written state machine), and what
// does an OS thread handing off to another cost, the price coroutines exist to avoid? Every
// workload is a coroutine protocol (resume, yield, send, create, finish); the implementations
// differ only in what a coroutine is.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "registration.h"
#include "support.h"

namespace coroutines {

enum class WorkloadId { switch_round_trip, create_destroy, send_receive, alive_many, round_robin, skynet };

// One size of a workload: `n` is the workload's size parameter; `m` is a second one where the
// workload has it (round_robin's yields per task), else 0.
struct Size {
  std::uint64_t n;
  std::uint64_t m = 0;
};

// One workload of one implementation at one size and variant (an index into the implementation's
// variants, 0 when it has none), returning the checksum.
using Run = std::uint64_t (*)(Size size, int variant);

// A workload: its benchmarks and, for the implementations' limits and the tests, its sizes.
class Workload : public yb::Workload<Run> {
 public:
  Workload(WorkloadId id, const char* name, const char* description, const char* item, const char* param,
           const char* second_param, std::span<const Size> sizes);

  WorkloadId id;
  const char* param;         // the benchmark-name parameter that holds Size::n
  const char* second_param;  // the one that holds Size::m, or nullptr
  std::span<const Size> sizes;

  yb::Point point(Size size) const;
  Size size(const yb::Point& point) const;
};

namespace sizes {
inline constexpr Size switch_round_trip[] = {{1'000}, {100'000}};
inline constexpr Size create_destroy[] = {{1'000}};
inline constexpr Size send_receive[] = {{1'000}, {100'000}};
inline constexpr Size alive_many[] = {{1'000}, {10'000}, {100'000}, {1'000'000}};
inline constexpr Size round_robin[] = {{10, 1'000}, {1'000, 100}};
inline constexpr Size skynet[] = {{1'000}, {1'000'000}};
}  // namespace sizes

// workloads.cpp describes each; an implementation registers the ones it implements with
// yb::implements(coroutines::switch_round_trip, its_run).
extern const Workload switch_round_trip;
extern const Workload create_destroy;
extern const Workload send_receive;
extern const Workload alive_many;
extern const Workload round_robin;
extern const Workload skynet;

inline constexpr const Workload* all_workloads[] = {&switch_round_trip, &create_destroy, &send_receive,
                                                    &alive_many,        &round_robin,    &skynet};

// Coroutines pass every value they produce through yb::opaque (harness/support.h).
using yb::opaque;

// switch_round_trip: the coroutine yields opaque(i) for i in [0, n), then returns; the consumer
// sums what it receives.
std::uint64_t switch_round_trip_checksum(std::uint64_t n);

// send_receive: the consumer primes the coroutine (runs it to its first receive), then sends
// x = i for i in [0, n); the coroutine answers each with its running total (Σ of the x received
// so far, through opaque) and returns after the n-th; the consumer sums the answers.
std::uint64_t send_receive_checksum(std::uint64_t n);

// create_destroy and alive_many: coroutine i yields opaque(i) at its first suspension; resumed
// once more, it produces opaque(i) again (so i lives across the suspension) and returns. The
// consumer sums both values of every coroutine: Σ 2i.
inline std::uint64_t suspend_once_value(std::uint64_t i) { return opaque(i); }
std::uint64_t create_destroy_checksum(std::uint64_t n);
std::uint64_t alive_many_checksum(std::uint64_t k);

// round_robin: task j in [0, tasks) yields round_robin_value(j, s) for s in [0, yields), then
// returns. The scheduler resumes the tasks in turn (all tasks' yield 0, then all tasks' yield 1,
// ...) and folds every value into an order-sensitive hash, so only round-robin order passes.
inline std::uint64_t round_robin_value(std::uint64_t task, std::uint64_t step, std::uint64_t yields) {
  return opaque(task * yields + step);
}
inline constexpr std::uint64_t kRoundRobinSeed = 14695981039346656037ull;  // FNV-1a offset basis
inline std::uint64_t round_robin_fold(std::uint64_t hash, std::uint64_t value) {
  return (hash ^ value) * 1099511628211ull;  // FNV-1a prime
}
std::uint64_t round_robin_checksum(std::uint64_t tasks, std::uint64_t yields);

// skynet: node (first, count) covers leaves [first, first + count); a leaf (count 1) returns
// opaque(first); any other node starts 10 children covering tenths of its range, in order,
// collects their results and returns the sum. `leaves` must be a power of 10.
inline constexpr std::uint64_t kSkynetFanOut = 10;
inline std::uint64_t skynet_leaf(std::uint64_t index) { return opaque(index); }
std::uint64_t skynet_checksum(std::uint64_t leaves);
// Every node of the tree, leaves included: 1,111,111 for 1,000,000 leaves.
std::uint64_t skynet_nodes(std::uint64_t leaves);

// The checksum of `workload` at `size`.
std::uint64_t checksum(const Workload& workload, Size size);
// Coroutine switches into a coroutine (resumes) per operation, for items_per_second: round trips,
// coroutines created, nodes.
std::uint64_t items(const Workload& workload, Size size);

// --- What this machine allows -------------------------------------------------------------------

// A benchmark runs its operation at least ~8 times in the quick profile (3 repetitions of a
// warm-up and the timed loop; one memory probe).
// An implementation whose operation is estimated to take longer than this is skipped at that
// size, with the estimate in the message, so one benchmark cannot take minutes.
inline constexpr double kOperationBudgetSeconds = 0.5;
// The OS-thread reference runs only where it finishes quickly: its cost per handoff is the same
// at every size, so larger sizes add time, not information.
inline constexpr double kReferenceBudgetSeconds = 0.1;
// Resident memory one operation may grow by: this is a shared machine.
std::uint64_t resident_budget_bytes();
// /proc/sys/vm/max_map_count, and the mappings this process holds now (lines of /proc/self/maps).
std::uint64_t max_map_count();
std::uint64_t current_map_count();
// /proc/sys/kernel/threads-max.
std::uint64_t threads_max();

using yb::format_bytes;  // harness/support.h
// Formats "0.42 s", "30 ms".
std::string format_seconds(double seconds);

// The common skip reasons, empty when the operation fits; `why` says where the estimate comes from.
std::string time_limit(Size size, const char* size_param, double estimated_seconds, const std::string& why,
                       double budget_seconds = kOperationBudgetSeconds);
std::string memory_limit(Size size, const char* size_param, double estimated_bytes, const std::string& why);
std::string mapping_limit(Size size, const char* size_param, std::uint64_t mappings, const std::string& why);

}  // namespace coroutines
