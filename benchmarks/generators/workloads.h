// The generators family's workloads: what each computes, the elements every implementation
// must produce, and the reference checksums. The one place these are defined.
//
// The seed's question: what does producing a sequence lazily (a generator) cost against
// materialising it first (a list)? Every workload is a producer feeding a consumer; the
// implementations differ only in how the producer hands elements over.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace generators {

// constexpr throughout: implementations register from static initialisers in other files, so the
// table must be constant-initialised, never waiting on a dynamic initialiser.
struct Workload {
  const char* name;
  const char* description;
  const char* size_param;                // the benchmark-name parameter that holds the size
  std::span<const std::uint64_t> sizes;  // sizes the suite runs
};

namespace sizes {
inline constexpr std::uint64_t sum_plus_one[] = {1'000, 100'000, 2'000'000};
inline constexpr std::uint64_t fibonacci_take[] = {1'000, 100'000, 2'000'000};
inline constexpr std::uint64_t pipeline_first[] = {10'000, 1'000'000, 10'000'000};
inline constexpr std::uint64_t csv_prices[] = {10'000, 100'000, 1'000'000};
}  // namespace sizes

inline constexpr Workload sum_plus_one{"sum_plus_one",
                                       "sum of 1 + x for x < n (the seed's generator expression vs list comprehension)",
                                       "n", sizes::sum_plus_one};
inline constexpr Workload fibonacci_take{"fibonacci_take", "sum of the first n Fibonacci numbers, wrapping mod 2^64",
                                         "n", sizes::fibonacci_take};
inline constexpr Workload pipeline_first{"pipeline_first",
                                         "range(n) | filter | map | first match (at x=1003): laziness stops early", "n",
                                         sizes::pipeline_first};
inline constexpr Workload csv_prices{
    "csv_prices", "sum the price column of a generated CSV file: line by line vs all lines read first", "rows",
    sizes::csv_prices};

// Producers pass every element through this barrier where they make it: the optimiser cannot
// know the value, so no implementation can fold a workload into a closed form or delete its
// loop. It costs no instruction; it only forbids constant folding across it.
inline std::uint64_t opaque(std::uint64_t value) {
  asm volatile("" : "+r"(value));
  return value;
}

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
