// kernel_bytes_per_conn is a positive size or NaN, which the results contract leaves out with the
// reason registered for the counter; never negative or zero, whatever else the machine frees.
#include <gtest/gtest.h>

#include <cmath>

#include "io/io_support.h"

namespace {

TEST(KernelBytesPerConnection, GrowthDividedByConnections) {
  EXPECT_DOUBLE_EQ(io::kernel_bytes_per_connection(1'000'000, 1'000'000 + 256 * 3000, 256), 3000);
}

// Other work on the machine freed as much as the connections took, or more: no size to report.
TEST(KernelBytesPerConnection, NoGrowthIsNotANumberNeverNegativeOrZero) {
  EXPECT_TRUE(std::isnan(io::kernel_bytes_per_connection(1'000'000, 1'000'000, 256)));
  EXPECT_TRUE(std::isnan(io::kernel_bytes_per_connection(1'000'000, 900'000, 256)));
  EXPECT_TRUE(std::isnan(io::kernel_bytes_per_connection(0, 4096, 0)));
}

}  // namespace
