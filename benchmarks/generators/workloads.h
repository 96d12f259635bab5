// The generators family's workloads: what each computes, the elements every implementation
// must produce, and the reference checksums. The one place these are defined.
//
// The seed's question: what does producing a sequence lazily (a generator) cost against
// materialising it first (a list)? Every workload is a producer feeding a consumer; the
// implementations differ only in how the producer hands elements over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registration.h"
#include "support.h"

namespace generators {

using SizeFunction = std::uint64_t (*)(std::uint64_t n);          // one operation at size n
using FileFunction = std::uint64_t (*)(const std::string& path);  // one operation over a file

// The workloads (workloads.cpp: their sizes, checksums and benchmark bodies). An implementation
// registers the ones it implements with yb::implements(generators::sum_plus_one, its_function).
extern const yb::Workload<SizeFunction> sum_plus_one;
extern const yb::Workload<SizeFunction> fibonacci_take;
extern const yb::Workload<SizeFunction> pipeline_first;
extern const yb::Workload<FileFunction> csv_prices;

// The variants of an implementation whose memory grows with n: it also runs with warm allocator
// pages, so its cost splits into first-touch page faults (pages:cold) and the rest (pages:warm).
std::vector<std::vector<yb::Param>> page_variants();

// Producers pass every element through yb::opaque (harness/support.h) where they make it.
using yb::opaque;

// sum_plus_one: the elements are 1 + x for x in [0, n); the answer is their sum.
inline std::uint64_t plus_one(std::uint64_t x) { return 1 + opaque(x); }
std::uint64_t sum_plus_one_checksum(std::uint64_t n);

// fibonacci_take: the first n Fibonacci numbers (0, 1, 1, 2, ...), wrapping mod 2^64; the answer is
// their sum, also mod 2^64.
class Fibonacci {
 public:
  std::uint64_t next() {
    const std::uint64_t value = opaque(current_);
    current_ = following_;
    following_ += value;
    return value;
  }

 private:
  std::uint64_t current_ = 0;
  std::uint64_t following_ = 1;
};
std::uint64_t fibonacci_take_checksum(std::uint64_t n);

// pipeline_first: range(n) | keep x % 3 == 1 | map x*x | the first value above 10^6 (0 if none).
// The match is x = 1003 for every suite size, so a lazy pipeline stops after ~1,000 elements
// while an eager one builds every stage in full.
inline bool pipeline_keep(std::uint64_t x) { return opaque(x) % 3 == 1; }
inline std::uint64_t pipeline_map(std::uint64_t x) { return x * x; }
inline bool pipeline_match(std::uint64_t y) { return y > 1'000'000; }
std::uint64_t pipeline_first_checksum(std::uint64_t n);

// csv_prices: a generated purchases file ("id,date,customer,price_cents" per line, the seed's
// load_purchases); the answer is the sum of the last field.
std::uint64_t parse_price(std::string_view line);

// The file, written when constructed and removed when destroyed, with its checksum.
class CsvFile {
 public:
  explicit CsvFile(std::uint64_t rows);
  ~CsvFile();
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t price_total() const { return price_total_; }

 private:
  std::string path_;
  std::uint64_t price_total_ = 0;
};

}  // namespace generators
