#include "generators/workloads.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "allocator_policy.h"
#include "measure.h"
#include "registry.h"

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

// --- Registration -------------------------------------------------------------------------------

namespace {

constexpr const char* kFamily = "generators";

[[maybe_unused]] const bool described = [] {
  yb::describe_family(kFamily, "eager std::vector lists vs lazy producers over the same element streams");
  return true;
}();

// Runs `body` under the variant's allocator page policy (pages:warm), else the pinned cold one.
template <class Body>
void with_pages(const yb::Variant& variant, Body&& body) {
  std::optional<yb::AllocatorPages> policy;
  if (!variant.params.empty())
    policy.emplace(variant.params.front().second == "warm" ? yb::Pages::warm : yb::Pages::cold);
  body();
}

// A workload over sizes `n`: one operation returns `checksum(n)`; `items(n)` per operation.
yb::Workload<SizeFunction>::Body size_body(std::uint64_t (*checksum)(std::uint64_t), bool one_item) {
  return [checksum, one_item](benchmark::State& state, const yb::Implementation&, const SizeFunction& run,
                              const yb::Point& point, const yb::Variant& variant) {
    const std::uint64_t n = point.number("n");
    with_pages(variant, [&] {
      yb::measure(state, {checksum(n), one_item ? 1 : static_cast<std::int64_t>(n)}, [run, n] { return run(n); });
    });
  };
}

template <std::uint64_t (*kChecksum)(std::uint64_t)>
std::uint64_t checksum_at(const yb::Point& point) {
  return kChecksum(point.number("n"));
}

}  // namespace

std::vector<std::vector<yb::Param>> page_variants() {
  return {{{"pages", yb::to_string(yb::Pages::cold)}}, {{"pages", yb::to_string(yb::Pages::warm)}}};
}

const yb::Workload<SizeFunction> sum_plus_one{
    kFamily,
    "sum_plus_one",
    "sum of 1 + x for x < n (the seed's generator expression vs list comprehension)",
    "element",
    {{"n", {1'000, 100'000, 2'000'000}}},
    size_body(sum_plus_one_checksum, false),
    checksum_at<sum_plus_one_checksum>};
const yb::Workload<SizeFunction> fibonacci_take{kFamily,
                                                "fibonacci_take",
                                                "sum of the first n Fibonacci numbers, wrapping mod 2^64",
                                                "element",
                                                {{"n", {1'000, 100'000, 2'000'000}}},
                                                size_body(fibonacci_take_checksum, false),
                                                checksum_at<fibonacci_take_checksum>};
// One query per operation: the point is how many elements each model touches to answer it.
const yb::Workload<SizeFunction> pipeline_first{
    kFamily,
    "pipeline_first",
    "range(n) | filter | map | first match (at x=1003): laziness stops early",
    "query",
    {{"n", {10'000, 1'000'000, 10'000'000}}},
    size_body(pipeline_first_checksum, true),
    checksum_at<pipeline_first_checksum>};
// The checksum is the generated file's: see CsvFile.
const yb::Workload<FileFunction> csv_prices{
    kFamily,
    "csv_prices",
    "sum the price column of a generated CSV file: line by line vs all lines read first",
    "row",
    {{"rows", {10'000, 100'000, 1'000'000}}},
    [](benchmark::State& state, const yb::Implementation&, const FileFunction& run, const yb::Point& point,
       const yb::Variant& variant) {
      const std::uint64_t rows = point.number("rows");
      with_pages(variant, [&] {
        const CsvFile file(rows);
        yb::measure(state, {file.price_total(), static_cast<std::int64_t>(rows)}, [&] { return run(file.path()); });
      });
    }};

}  // namespace generators
