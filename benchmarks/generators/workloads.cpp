#include "generators/workloads.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace generators {

std::uint64_t sum_plus_one_checksum(std::uint64_t n) {
  // n(n+1)/2 mod 2^64 without overflowing the intermediate product.
  return n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
}

std::uint64_t fibonacci_take_checksum(std::uint64_t n) {
  // The reference is deliberately the plain recurrence, not the shared Fibonacci type.
  std::uint64_t total = 0, current = 0, following = 1;
  for (std::uint64_t i = 0; i < n; ++i) {
    total += current;
    const std::uint64_t next = current + following;
    current = following;
    following = next;
  }
  return total;
}

std::uint64_t pipeline_first_checksum(std::uint64_t n) {
  for (std::uint64_t x = 0; x < n; ++x) {
    if (x % 3 == 1 && x * x > 1'000'000) return x * x;
  }
  return 0;
}

std::uint64_t parse_price(std::string_view line) {
  const auto comma = line.rfind(',');
  std::uint64_t cents = 0;
  const char* first = line.data() + (comma == std::string_view::npos ? 0 : comma + 1);
  std::from_chars(first, line.data() + line.size(), cents);
  return cents;
}

CsvFile::CsvFile(std::uint64_t rows) {
  path_ = (std::filesystem::temp_directory_path() /
           ("yieldbench-purchases-" + std::to_string(::getpid()) + "-" + std::to_string(rows) + ".csv"))
              .string();
  std::FILE* file = std::fopen(path_.c_str(), "w");
  if (file == nullptr) throw std::runtime_error("cannot create " + path_);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;  // fixed seed: the same file every run
  for (std::uint64_t id = 0; id < rows; ++id) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
    const unsigned month = 1 + static_cast<unsigned>((state >> 33) % 12);
    const unsigned day = 1 + static_cast<unsigned>((state >> 40) % 28);
    const unsigned customer = static_cast<unsigned>((state >> 20) % 10'000);
    const std::uint64_t cents = 100 + (state >> 45) % 99'900;
    std::fprintf(file, "%llu,2024-%02u-%02u,customer%04u,%llu\n", static_cast<unsigned long long>(id), month, day,
                 customer, static_cast<unsigned long long>(cents));
    price_total_ += cents;
  }
  if (std::fclose(file) != 0) throw std::runtime_error("cannot write " + path_);
}

CsvFile::~CsvFile() { std::remove(path_.c_str()); }

}  // namespace generators
