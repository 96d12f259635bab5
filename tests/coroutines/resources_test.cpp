// Every thread, file descriptor, mapping, stack and frame an implementation creates is gone when
// its operation returns: counted before and after running every workload.
#include <gtest/gtest.h>
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"
#include "heap_counter.h"
#include "leak_audit.h"
#include "rss_probe.h"
#include "test_support.h"

namespace {

using coroutines::testing::Subject;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizer's allocator replaces glibc's: it maps regions of its own as its size classes fill
// up, keeps freed blocks in quarantine and does not answer mallinfo2, so mapping, malloc and
// resident-set counts would measure it, not the code under test (LeakSanitizer reports leaked
// blocks at exit instead).
constexpr const char* kSanitizerAllocator = "the sanitizer's allocator, not glibc's, owns mappings and freed memory";
#else
constexpr const char* kSanitizerAllocator = nullptr;
#endif

// Threads and descriptors from the harness's leak audit census, counted and freed before malloc's
// figure is read.
std::int64_t threads_now() { return static_cast<std::int64_t>(yb::leak_audit::Census::take().threads.size()); }
std::int64_t fds_now() { return static_cast<std::int64_t>(yb::leak_audit::Census::take().fds.size()); }

struct Resources {
  std::int64_t threads = threads_now();
  std::int64_t fds = fds_now();
  std::int64_t mappings = static_cast<std::int64_t>(coroutines::current_map_count());
  std::int64_t malloc_in_use = static_cast<std::int64_t>(mallinfo2().uordblks);  // malloc'ed stacks too
};

// One pass over every workload the subject runs, at small sizes.
void run_all(const Subject& subject) {
  for (const coroutines::Workload* workload : coroutines::all_workloads) {
    if (!coroutines::testing::runs(subject, *workload)) continue;
    const coroutines::Run run = coroutines::run_of(*subject.implementation, *workload);
    for (const coroutines::Size size : coroutines::testing::small_sizes(*workload)) {
      ASSERT_EQ(run(size, subject.variant), coroutines::checksum(*workload, size))
          << coroutines::testing::size_text(*workload, size);
    }
  }
}

class ResourcesOf : public ::testing::TestWithParam<Subject> {};

TEST_P(ResourcesOf, LeavesNoThreadDescriptorMappingOrMemoryBehind) {
  const Subject& subject = GetParam();
  run_all(subject);  // first pass: glibc's caches (thread stacks, arenas) settle
  const Resources before;
  yb::heap::start_counting();
  run_all(subject);
  run_all(subject);
  const yb::heap::Usage heap = yb::heap::stop_counting();
  // pthread_join returns when the kernel clears the tid, a moment before the task leaves
  // /proc/self/task: give a joined thread up to a second to disappear.
  Resources after;
  for (int attempt = 0; attempt < 100 && after.threads != before.threads; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    after = Resources();
  }

  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
  EXPECT_EQ(heap.live_bytes, 0) << "bytes from operator new not deleted (frames, handles, thread objects)";
  if (kSanitizerAllocator != nullptr) {
    GTEST_SKIP() << "threads, descriptors and operator new checked; mappings and malloc'ed bytes not: "
                 << kSanitizerAllocator;
  }
  if (std::string(subject.implementation->name) == "thread_handoff") {
    // Threads that malloc make glibc open per-thread arenas on contention (two mappings each,
    // kept for reuse) and hold a little bookkeeping there: slack for glibc, not for our stacks,
    // which a leaked thread would keep and the thread count above would show.
    EXPECT_LE(after.mappings, before.mappings + 4) << "mappings (thread stacks, glibc arenas)";
    EXPECT_LE(after.malloc_in_use, before.malloc_in_use + 4096) << "bytes malloc'ed and not freed";
  } else {
    EXPECT_EQ(after.mappings, before.mappings) << "mappings (guard-page stacks)";
    EXPECT_EQ(after.malloc_in_use, before.malloc_in_use) << "bytes malloc'ed and not freed (stacks)";
  }
}

INSTANTIATE_TEST_SUITE_P(Coroutines, ResourcesOf, ::testing::ValuesIn(coroutines::testing::subjects()),
                         [](const auto& info) { return info.param.name(); });

// Stacks that come from malloc, mmap or a pool, not operator new, are in the heap figures: every
// stackful coroutine alive at once adds one allocation and its 64 KiB stack to heap_allocs and
// heap_peak_bytes, per stack type (boost_fiber's fixed, protected and pooled, ucontext's malloc).
TEST(StackfulHeapCounters, CountEveryStackOfEveryStackType) {
  constexpr std::uint64_t kAlive = 100;
  constexpr std::int64_t kStackBytes = 64 * 1024;
  int stackful = 0;
  for (const Subject& subject : coroutines::testing::subjects()) {
    const std::string name = subject.implementation->name;
    if ((name != "boost_fiber" && name != "ucontext") || !coroutines::testing::runs(subject, coroutines::alive_many)) {
      continue;
    }
    ++stackful;
    const coroutines::Run run = coroutines::run_of(*subject.implementation, coroutines::alive_many);
    yb::heap::start_counting();
    const std::uint64_t answer = run({kAlive}, subject.variant);
    const yb::heap::Usage heap = yb::heap::stop_counting();
    EXPECT_EQ(answer, coroutines::alive_many_checksum(kAlive)) << subject.name();
    EXPECT_GE(heap.allocations, static_cast<std::int64_t>(kAlive)) << subject.name() << ": one per stack at least";
    EXPECT_GE(heap.peak_live_bytes, static_cast<std::int64_t>(kAlive) * kStackBytes * 9 / 10)
        << subject.name() << ": every stack alive at once";
    EXPECT_EQ(heap.live_bytes, 0) << subject.name() << ": every stack reported freed";
  }
  EXPECT_EQ(stackful, 4) << "boost_fiber's three stacks and ucontext";
}

// The resident set comes back after many coroutines were alive at once: 10,000 fibers touch
// at least 40 MiB of stack pages, which a leak would keep.
TEST(AliveMany, ResidentSetReturnsToItsBaseline) {
  if (kSanitizerAllocator != nullptr) GTEST_SKIP() << kSanitizerAllocator;
  constexpr std::uint64_t kAlive = 10'000;
  for (const Subject& subject : coroutines::testing::subjects()) {
    const std::string name = subject.implementation->name;
    if (name == "thread_handoff" || !coroutines::testing::runs(subject, coroutines::alive_many)) continue;
    const coroutines::Run run = coroutines::run_of(*subject.implementation, coroutines::alive_many);
    malloc_trim(0);
    const auto before = yb::rss::resident_bytes();
    ASSERT_TRUE(before.has_value());
    const yb::rss::PeakGrowth peak;
    EXPECT_EQ(run({kAlive}, subject.variant), coroutines::alive_many_checksum(kAlive)) << subject.name();
    const auto grew = peak.bytes();
    malloc_trim(0);
    const auto after = yb::rss::resident_bytes();
    ASSERT_TRUE(after.has_value());
    EXPECT_LE(*after - *before, 4 << 20) << subject.name() << ": resident set after k=" << kAlive;
    if (grew && (name == "boost_fiber" || name == "ucontext")) {
      // A page per stack at least (less what the process happened to give back meanwhile).
      EXPECT_GE(*grew, static_cast<std::int64_t>(kAlive * 4096 * 9 / 10)) << subject.name() << ": resident growth";
    }
  }
}

}  // namespace
