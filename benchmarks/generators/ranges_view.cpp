// Lazy, composed: std::views adaptors (iota | transform | filter, istream_view). The library
// builds the iterator classes the iterator implementation writes by hand.
#include <algorithm>
#include <fstream>
#include <istream>
#include <ranges>
#include <string>

#include "generators/workloads.h"

namespace {

// What istream_view extracts: one whole line per >>.
struct Line {
  std::string text;
  friend std::istream& operator>>(std::istream& in, Line& line) { return std::getline(in, line.text); }
};

std::uint64_t sum_plus_one(std::uint64_t n) {
  std::uint64_t total = 0;
  for (const std::uint64_t value :
       std::views::iota(std::uint64_t{0}, n) | std::views::transform(generators::plus_one)) {
    total += value;
  }
  return total;
}

std::uint64_t fibonacci_take(std::uint64_t n) {
  // A stateful sequence has no pure view adaptor; transform over an index calls the
  // generator's next() exactly once per element in a single forward pass.
  generators::Fibonacci fibonacci;
  std::uint64_t total = 0;
  for (const std::uint64_t value :
       std::views::iota(std::uint64_t{0}, n) | std::views::transform([&](std::uint64_t) { return fibonacci.next(); })) {
    total += value;
  }
  return total;
}

std::uint64_t pipeline_first(std::uint64_t n) {
  auto matches = std::views::iota(std::uint64_t{0}, n) | std::views::filter(generators::pipeline_keep) |
                 std::views::transform(generators::pipeline_map) | std::views::filter(generators::pipeline_match);
  const auto first = std::ranges::begin(matches);
  return first == std::ranges::end(matches) ? 0 : *first;
}

std::uint64_t csv_prices(const std::string& path) {
  std::ifstream file(path);
  std::uint64_t total = 0;
  for (const std::uint64_t cents : std::views::istream<Line>(file) | std::views::transform([](const Line& line) {
                                     return generators::parse_price(line.text);
                                   })) {
    total += cents;
  }
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "ranges_view",
    .description = "std::views pipelines (iota | filter | transform, istream_view): library-built lazy iterators",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
});

}  // namespace
