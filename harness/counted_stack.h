// A Boost.Context StackAllocator that reports every stack it hands out to the heap counter
// (heap_counter.h), so heap_allocs and heap_peak_bytes include stacks that come from malloc,
// mmap or a pool rather than operator new. A stack counts as one allocation of its size.
#pragma once

#include <utility>

#include "heap_counter.h"

namespace yb {

template <class StackAllocator>
class CountedStack {
 public:
  explicit CountedStack(StackAllocator inner) : inner_(std::move(inner)) {}

  auto allocate() {
    auto stack = inner_.allocate();
    heap::count_allocation(stack.size);
    return stack;
  }
  template <class StackContext>
  void deallocate(StackContext& stack) noexcept {
    heap::count_release(stack.size);
    inner_.deallocate(stack);
  }

 private:
  StackAllocator inner_;
};

}  // namespace yb
