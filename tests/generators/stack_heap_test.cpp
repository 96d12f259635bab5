// The stackful generator's stack is in the heap figures: it comes from operator new, so every
// generator alive adds its whole stack to heap_peak_bytes, not 0.
#include <gtest/gtest.h>

#include <boost/context/stack_traits.hpp>
#include <cstdint>
#include <string>

#include "generators/workloads.h"
#include "heap_counter.h"
#include "registration.h"

namespace {

TEST(StackfulGenerator, HeapCountersHoldItsStack) {
  const yb::Implementation* fiber = nullptr;
  for (const yb::Implementation* implementation : yb::implementations("generators")) {
    if (implementation->name == "fiber_generator") fiber = implementation;
  }
  ASSERT_NE(fiber, nullptr) << "fiber_generator is not registered";
  const auto* run = fiber->function(generators::sum_plus_one);
  ASSERT_NE(run, nullptr);
  yb::heap::start_counting();
  const std::uint64_t total = (*run)(10);
  const yb::heap::Usage heap = yb::heap::stop_counting();
  EXPECT_EQ(total, generators::sum_plus_one_checksum(10));
  EXPECT_GE(heap.allocations, 1);
  EXPECT_GE(heap.peak_live_bytes, static_cast<std::int64_t>(boost::context::stack_traits::default_size()))
      << "the producer's whole stack";
  EXPECT_EQ(heap.live_bytes, 0) << "and freed when the generator ends";
}

}  // namespace
