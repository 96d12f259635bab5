// cpu_sum's speedup divides like by like: both sides timed by the same clock, in alternating
// order, summarised by the same statistic. Checked with a fake clock, so nothing here is timed.
#include "parallelism/paired_speedup.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

using parallelism::median;
using parallelism::PairedTimes;
using parallelism::speedup_of;
using parallelism::time_in_pairs;

// A clock that moves only when a run advances it.
struct FakeClock {
  double now = 100;
  std::function<double()> reader() {
    return [this] { return now; };
  }
};

TEST(PairedSpeedup, SameWorkOnBothSidesIsExactlyOne) {
  FakeClock clock;
  const auto same_work = [&] { clock.now += 0.03; };
  const PairedTimes times = time_in_pairs(5, same_work, same_work, clock.reader());
  EXPECT_DOUBLE_EQ(speedup_of(times).ratio, 1.0);
}

TEST(PairedSpeedup, RatioOfMediansOfEachSide) {
  FakeClock clock;
  const PairedTimes times = time_in_pairs(
      3, [&] { clock.now += 0.04; }, [&] { clock.now += 0.01; }, clock.reader());
  ASSERT_EQ(times.serial_seconds.size(), 3u);
  ASSERT_EQ(times.parallel_seconds.size(), 3u);
  for (double seconds : times.serial_seconds) EXPECT_NEAR(seconds, 0.04, 1e-12);
  for (double seconds : times.parallel_seconds) EXPECT_NEAR(seconds, 0.01, 1e-12);
  const auto speedup = speedup_of(times);
  EXPECT_NEAR(speedup.serial_seconds, 0.04, 1e-12);
  EXPECT_NEAR(speedup.parallel_seconds, 0.01, 1e-12);
  EXPECT_NEAR(speedup.ratio, 4.0, 1e-9);
}

TEST(PairedSpeedup, SidesAlternateWhichGoesFirst) {
  FakeClock clock;
  std::string order;
  time_in_pairs(
      4, [&] { order += 's'; }, [&] { order += 'p'; }, clock.reader());
  EXPECT_EQ(order, "sppsspps");
}

// A machine that slows down part-way slows both sides of the pairs it touches: the medians
// still divide like by like, where a best-of-N serial time over a mean would not.
TEST(PairedSpeedup, DriftMovesBothSidesAlike) {
  FakeClock clock;
  int run = 0;
  const auto slowdown = [&] { return run++ >= 4 ? 3.0 : 1.0; };  // the last pairs run 3x slower
  const auto work = [&] { clock.now += 0.02 * slowdown(); };
  EXPECT_DOUBLE_EQ(speedup_of(time_in_pairs(5, work, work, clock.reader())).ratio, 1.0);
}

TEST(PairedSpeedup, OneDisturbedRunDoesNotMoveTheMedian) {
  EXPECT_DOUBLE_EQ(median({1, 1, 1, 1, 50}), 1);
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(PairedSpeedup, NoRatioWithoutTime) {
  EXPECT_EQ(speedup_of(PairedTimes{}).ratio, 0);
  EXPECT_EQ(speedup_of(PairedTimes{{0.0}, {0.0}}).ratio, 0);
}

}  // namespace
