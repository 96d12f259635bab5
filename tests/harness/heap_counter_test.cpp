#include "heap_counter.h"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <memory>
#include <new>
#include <thread>
#include <utility>
#include <vector>

namespace {

TEST(HeapCounter, SeesOneKnownAllocationExactly) {
  yb::heap::start_counting();
  char* block = new char[1000];
  benchmark::DoNotOptimize(std::as_const(block));
  const yb::heap::Usage during = yb::heap::current();
  const auto held = static_cast<std::int64_t>(malloc_usable_size(block));
  delete[] block;
  const yb::heap::Usage after = yb::heap::stop_counting();

  EXPECT_EQ(during.allocations, 1);
  EXPECT_EQ(during.allocated_bytes, 1000);
  EXPECT_EQ(during.live_bytes, held);
  EXPECT_EQ(after.peak_live_bytes, held);
  EXPECT_GE(held, 1000);
  EXPECT_EQ(after.live_bytes, 0) << "the free must cancel the allocation exactly";
}

TEST(HeapCounter, PeakIsTheHighestLiveTotalNotTheSum) {
  yb::heap::start_counting();
  for (int i = 0; i < 10; ++i) {
    auto block = std::make_unique<char[]>(4096);
    benchmark::DoNotOptimize(block.get());
  }
  const yb::heap::Usage usage = yb::heap::stop_counting();
  EXPECT_EQ(usage.allocations, 10);
  EXPECT_EQ(usage.allocated_bytes, 10 * 4096);
  EXPECT_GE(usage.peak_live_bytes, 4096);
  EXPECT_LT(usage.peak_live_bytes, 2 * 4096);
}

TEST(HeapCounter, CountsAlignedAndNothrowOverloads) {
  struct alignas(256) Aligned {
    char bytes[512];
  };
  yb::heap::start_counting();
  auto* aligned = new Aligned;
  auto* nothrow = new (std::nothrow) int[16];
  benchmark::DoNotOptimize(std::as_const(aligned));
  benchmark::DoNotOptimize(std::as_const(nothrow));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 256, 0u);
  delete aligned;
  delete[] nothrow;
  const yb::heap::Usage usage = yb::heap::stop_counting();
  EXPECT_EQ(usage.allocations, 2);
  EXPECT_EQ(usage.allocated_bytes, 512 + 16 * static_cast<std::int64_t>(sizeof(int)));
  EXPECT_EQ(usage.live_bytes, 0);
}

TEST(HeapCounter, CountsOtherThreads) {
  yb::heap::start_counting();
  std::thread worker([] {
    std::vector<int> values(1000);
    benchmark::DoNotOptimize(values.data());
  });
  worker.join();
  const yb::heap::Usage usage = yb::heap::stop_counting();
  EXPECT_GE(usage.allocated_bytes, 4000);
}

TEST(HeapCounter, CountsNothingWhenStopped) {
  yb::heap::start_counting();
  yb::heap::stop_counting();
  auto block = std::make_unique<char[]>(100);
  benchmark::DoNotOptimize(block.get());
  EXPECT_EQ(yb::heap::current().allocations, 0);
}

TEST(HeapCounter, FreeingOlderBlocksGoesBelowTheStart) {
  auto older = std::make_unique<char[]>(2048);
  yb::heap::start_counting();
  older.reset();
  const yb::heap::Usage usage = yb::heap::stop_counting();
  EXPECT_LT(usage.live_bytes, 0);
  EXPECT_EQ(usage.peak_live_bytes, 0);
}

// Blocks from outside operator new (a coroutine's mmap'ed or malloc'ed stack) count like any other.
TEST(HeapCounter, CountsReportedBlocksLikeAllocations) {
  yb::heap::start_counting();
  yb::heap::count_allocation(65536);
  yb::heap::count_allocation(65536);
  yb::heap::count_release(65536);
  yb::heap::count_release(65536);
  const yb::heap::Usage usage = yb::heap::stop_counting();
  EXPECT_EQ(usage.allocations, 2);
  EXPECT_EQ(usage.allocated_bytes, 2 * 65536);
  EXPECT_EQ(usage.peak_live_bytes, 2 * 65536);
  EXPECT_EQ(usage.live_bytes, 0);
  yb::heap::count_allocation(65536);  // not counting: not seen
  EXPECT_EQ(yb::heap::current().allocations, 2);
}

}  // namespace
