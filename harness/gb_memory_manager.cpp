#include "gb_memory_manager.h"

#include <atomic>

#include "heap_counter.h"
#include "measure.h"

namespace yb {
namespace {
std::atomic<bool> pass_active{false};
}

bool memory_manager_pass_active() { return pass_active.load(std::memory_order_relaxed); }

namespace detail {
bool in_memory_manager_pass() { return memory_manager_pass_active(); }
}  // namespace detail

void HeapMemoryManager::Start() {
  pass_active = true;
  heap::start_counting();
}

void HeapMemoryManager::Stop(Result* result) {
  const heap::Usage usage = heap::stop_counting();
  pass_active = false;
  result->num_allocs = usage.allocations;
  result->max_bytes_used = usage.peak_live_bytes;
  result->total_allocated_bytes = usage.allocated_bytes;
  result->net_heap_growth = usage.live_bytes;
}

}  // namespace yb
