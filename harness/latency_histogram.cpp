#include "latency_histogram.h"

#include <cmath>

namespace yb {

std::uint64_t LatencyHistogram::representative(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::size_t shift = bucket / kSubBuckets - 1;
  const std::uint64_t lower = (kSubBuckets + bucket % kSubBuckets) << shift;
  const std::uint64_t width = std::uint64_t{1} << shift;
  return lower + width / 2;
}

std::uint64_t LatencyHistogram::percentile(double quantile) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBucketCount; ++bucket) {
    seen += buckets_[bucket];
    if (seen >= rank && buckets_[bucket] != 0) {
      const std::uint64_t value = representative(bucket);
      return value < max_ ? value : max_;
    }
  }
  return max_;
}

}  // namespace yb
