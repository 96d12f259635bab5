// atomic: every increment is one std::atomic<uint64_t>::fetch_add (lock xadd), on its own cache
// line; for processes the same object in the shared mapping. One file for both worker kinds:
// parallelism/shared_counter/atomic/worker:thread|process/...
#include <atomic>
#include <cstdint>

#include "parallelism/counter_rounds.h"
#include "parallelism/implementation.h"

namespace parallelism {
namespace {

class AtomicCounter {
 public:
  explicit AtomicCounter(WorkerKind) {}
  void increment() { value_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t value() { return value_.load(std::memory_order_acquire); }

 private:
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "processes share it through memory only");
  std::atomic<std::uint64_t> value_{0};
};

constexpr const char* kDescription = "one atomic fetch_add per increment (lock xadd), in shared memory for processes";

[[maybe_unused]] const bool registered_threads =
    register_shared_counter({"atomic", kDescription, WorkerKind::thread, [](int workers, std::uint64_t increments) {
                               return start_counter_rounds<AtomicCounter>(WorkerKind::thread, workers, increments);
                             }});
[[maybe_unused]] const bool registered_processes =
    register_shared_counter({"atomic", kDescription, WorkerKind::process, [](int workers, std::uint64_t increments) {
                               return start_counter_rounds<AtomicCounter>(WorkerKind::process, workers, increments);
                             }});

}  // namespace
}  // namespace parallelism
