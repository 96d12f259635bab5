// Counts heap use through replaced global operator new/delete.
//
// Counting is off by default so timed loops pay only one relaxed load per allocation; the harness
// switches it on for an untimed probe of one operation.
// Sizes are what the allocator really holds (malloc_usable_size), so a free is matched exactly
// against its allocation without a size header. malloc() and mmap() callers are not seen unless
// they report their blocks through count_allocation() (a coroutine's stack: counted_stack.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace yb::heap {

struct Usage {
  std::int64_t allocations = 0;      // calls to operator new, and blocks reported, while counting
  std::int64_t allocated_bytes = 0;  // bytes requested by those calls
  std::int64_t peak_live_bytes = 0;  // highest live-byte growth over the start of counting
  std::int64_t live_bytes = 0;       // live-byte growth now (negative when older blocks were freed)
};

// Zeroes the counts and starts counting (all threads).
void start_counting();
// Stops counting and returns what was seen since start_counting().
Usage stop_counting();
// Memory an operation takes outside operator new (a stack from malloc, mmap or a pool), counted
// as one allocation of `bytes` and released like one, so heap figures never read 0 for it.
void count_allocation(std::size_t bytes);
void count_release(std::size_t bytes);
// Reads the counts without stopping.
Usage current();

}  // namespace yb::heap
