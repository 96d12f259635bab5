// Log-linear latency histogram: exact below 128 ns, then 128 linear buckets per power of two,
// so any recorded value is reported within 1/256 (0.4%) of itself. Recording is a few integer
// instructions on a fixed array: no allocation, no branches on the data beyond one compare.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace yb {

class LatencyHistogram {
 public:
  void record(std::uint64_t nanoseconds) {
    ++buckets_[bucket_of(nanoseconds)];
    ++count_;
    if (nanoseconds > max_) max_ = nanoseconds;
  }

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // The value below which `quantile` (0..1] of the recorded values fall; 0 when empty.
  std::uint64_t percentile(double quantile) const;

 private:
  static constexpr unsigned kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = 1u << kSubBucketBits;
  // One exact range [0, 128) plus one linear range per power of two from 2^7 to 2^63.
  static constexpr std::size_t kBucketCount = (64 - kSubBucketBits + 1) * kSubBuckets;

  static std::size_t bucket_of(std::uint64_t value) {
    if (value < kSubBuckets) return static_cast<std::size_t>(value);
    const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - 1 - kSubBucketBits;
    return static_cast<std::size_t>((shift + 1) * kSubBuckets + ((value >> shift) - kSubBuckets));
  }
  // The midpoint of the values a bucket holds.
  static std::uint64_t representative(std::size_t bucket);

  std::array<std::uint64_t, kBucketCount> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace yb
