#include "latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

namespace {

// Exact percentile of sorted values, with the same rank rule as the histogram.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double quantile) {
  const auto rank = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

void expect_within_one_percent(const std::vector<std::uint64_t>& values) {
  auto histogram = std::make_unique<yb::LatencyHistogram>();
  for (const auto value : values) histogram->record(value);
  std::vector<std::uint64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (const double quantile : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = static_cast<double>(exact_percentile(sorted, quantile));
    EXPECT_NEAR(static_cast<double>(histogram->percentile(quantile)), exact, 0.01 * exact) << "quantile " << quantile;
  }
  EXPECT_EQ(histogram->max(), sorted.back());
  EXPECT_EQ(histogram->count(), values.size());
}

TEST(LatencyHistogram, UniformPercentilesWithinOnePercent) {
  std::vector<std::uint64_t> values;
  for (std::uint64_t v = 1; v <= 1'000'000; ++v) values.push_back(v);
  expect_within_one_percent(values);
}

TEST(LatencyHistogram, LogNormalPercentilesWithinOnePercent) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(std::log(2000.0), 1.5);  // a long tail from ~100 ns to ~ms
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 200'000; ++i) values.push_back(static_cast<std::uint64_t>(latency(random)) + 1);
  expect_within_one_percent(values);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  auto histogram = std::make_unique<yb::LatencyHistogram>();
  for (std::uint64_t v : {3, 5, 7, 9, 11}) histogram->record(v);
  EXPECT_EQ(histogram->percentile(0.5), 7u);
  EXPECT_EQ(histogram->percentile(1.0), 11u);
}

TEST(LatencyHistogram, HugeValuesDoNotOverflow) {
  auto histogram = std::make_unique<yb::LatencyHistogram>();
  const std::uint64_t huge = std::uint64_t{1} << 62;
  histogram->record(huge);
  EXPECT_NEAR(static_cast<double>(histogram->percentile(0.5)), static_cast<double>(huge), 0.01 * huge);
  EXPECT_EQ(histogram->max(), huge);
}

TEST(LatencyHistogram, EmptyReportsZero) {
  auto histogram = std::make_unique<yb::LatencyHistogram>();
  EXPECT_EQ(histogram->percentile(0.99), 0u);
  EXPECT_EQ(histogram->count(), 0u);
}

}  // namespace
