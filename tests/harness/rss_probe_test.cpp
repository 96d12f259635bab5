#include "rss_probe.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>

namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

TEST(RssProbe, SeesATouched64MiBBufferWithinTenPercent) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "under TSan, writing 64 MiB also makes its shadow memory (4 bytes per byte) resident";
#endif
  ASSERT_EQ(yb::rss::unavailable_reason(), "");
  constexpr std::size_t kBytes = 64 * kMiB;
  // mmap, not the heap: fresh pages that nothing has touched yet.
  void* buffer = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(buffer, MAP_FAILED);

  const yb::rss::PeakGrowth growth;
  std::memset(buffer, 1, kBytes);
  ::munmap(buffer, kBytes);  // the peak must survive the release
  const auto bytes = growth.bytes();

  ASSERT_TRUE(bytes.has_value());
#if defined(__SANITIZE_ADDRESS__)
  // ASan's interceptors write the buffer's shadow (one byte per eight), which then counts as resident too.
  constexpr double kShadow = kBytes / 8.0;
#else
  constexpr double kShadow = 0;
#endif
  EXPECT_GE(static_cast<double>(*bytes), 0.90 * kBytes);
  EXPECT_LE(static_cast<double>(*bytes), 1.10 * kBytes + kShadow);
}

TEST(RssProbe, SeesNothingWhenNothingIsTouched) {
  const yb::rss::PeakGrowth growth;
  const auto bytes = growth.bytes();
  ASSERT_TRUE(bytes.has_value());
  EXPECT_LT(*bytes, 4 * kMiB);
}

TEST(RssProbe, ReadsResidentAndHighWater) {
  const auto resident = yb::rss::resident_bytes();
  const auto high_water = yb::rss::high_water_bytes();
  ASSERT_TRUE(resident && high_water);
  EXPECT_GT(*resident, 0);
  EXPECT_GE(*high_water, *resident);
}

}  // namespace
