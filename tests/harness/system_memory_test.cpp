#include "system_memory.h"

#include <sys/sysinfo.h>

#include <barrier>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace {

TEST(SystemMemory, MemTotalAgreesWithSysinfo) {
  struct sysinfo info {};
  ASSERT_EQ(::sysinfo(&info), 0);
  const auto total = yb::system_memory::meminfo_bytes("MemTotal");
  ASSERT_TRUE(total.has_value());
  const auto expected = static_cast<std::int64_t>(info.totalram) * info.mem_unit;
  EXPECT_LE(std::abs(*total - expected), 1024) << "meminfo is in KiB, sysinfo in bytes";
}

TEST(SystemMemory, AMissingLineIsNothingNotZero) {
  EXPECT_FALSE(yb::system_memory::meminfo_bytes("NoSuchLine").has_value());
  EXPECT_FALSE(yb::system_memory::meminfo_bytes("MemTota").has_value()) << "a prefix is not the key";
}

TEST(SystemMemory, KernelUnreclaimableIncludesItsParts) {
  const auto whole = yb::system_memory::kernel_unreclaimable_bytes();
  ASSERT_TRUE(whole.has_value());
  for (const char* part : {"KernelStack", "SUnreclaim", "PageTables"}) {
    const auto bytes = yb::system_memory::meminfo_bytes(part);
    ASSERT_TRUE(bytes.has_value()) << part;
    EXPECT_GT(*bytes, 0) << part;
  }
  EXPECT_GE(*whole, *yb::system_memory::meminfo_bytes("KernelStack"));
}

// Every thread has a kernel stack (16 KiB on x86-64), so the figure moves when threads start. It
// is machine-wide and tests run in parallel: a few tries, one of which must see the growth.
TEST(SystemMemory, KernelMemoryGrowsByAKernelStackPerThread) {
  constexpr int kThreads = 64;
  constexpr std::int64_t kKernelStack = 16 * 1024;
  std::int64_t best = 0;
  for (int attempt = 0; attempt < 5 && best < kThreads * kKernelStack; ++attempt) {
    const auto before = yb::system_memory::kernel_unreclaimable_bytes();
    std::barrier started(kThreads + 1), stop(kThreads + 1);
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&] {
        started.arrive_and_wait();
        stop.arrive_and_wait();
      });
    }
    started.arrive_and_wait();
    const auto during = yb::system_memory::kernel_unreclaimable_bytes();
    stop.arrive_and_wait();
    ASSERT_TRUE(before && during);
    best = std::max(best, *during - *before);
  }
  EXPECT_GE(best, kThreads * kKernelStack) << "best growth over 5 tries: " << best << " bytes";
}

}  // namespace
