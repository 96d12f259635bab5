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

YB_REGISTER_IMPLEMENTATION({
    .name = "atomic",
    .description = kDescription,
    .functions = {yb::implements(shared_counter,
                                 [](WorkerKind kind, int workers, std::uint64_t increments) {
                                   return start_counter_rounds<AtomicCounter>(kind, workers, increments);
                                 })},
    .variants = worker_variants({WorkerKind::thread, WorkerKind::process}),
});

}  // namespace
}  // namespace parallelism
