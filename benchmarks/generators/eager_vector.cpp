// Materialise, then consume: the seed's list comprehension, sum([1 + x for x in range(n)]).
// Every stage is a std::vector; memory grows with n, and a large vector's first touch costs
// page faults (see the pages:cold and pages:warm variants).
#include <fstream>
#include <string>
#include <vector>

#include "generators/workloads.h"

namespace {

std::uint64_t sum(const std::vector<std::uint64_t>& values) {
  std::uint64_t total = 0;
  for (const std::uint64_t value : values) total += value;
  return total;
}

std::uint64_t sum_plus_one(std::uint64_t n) {
  std::vector<std::uint64_t> values;
  values.reserve(n);  // the size is known: one allocation, as a careful C++ programmer writes it
  for (std::uint64_t x = 0; x < n; ++x) values.push_back(generators::plus_one(x));
  return sum(values);
}

std::uint64_t fibonacci_take(std::uint64_t n) {
  std::vector<std::uint64_t> values;
  values.reserve(n);
  generators::Fibonacci fibonacci;
  for (std::uint64_t i = 0; i < n; ++i) values.push_back(fibonacci.next());
  return sum(values);
}

std::uint64_t pipeline_first(std::uint64_t n) {
  // Each stage runs to completion before the next starts; the filtered size is not known ahead.
  std::vector<std::uint64_t> kept;
  for (std::uint64_t x = 0; x < n; ++x) {
    if (generators::pipeline_keep(x)) kept.push_back(x);
  }
  std::vector<std::uint64_t> mapped;
  mapped.reserve(kept.size());
  for (const std::uint64_t x : kept) mapped.push_back(generators::pipeline_map(x));
  for (const std::uint64_t y : mapped) {
    if (generators::pipeline_match(y)) return y;
  }
  return 0;
}

std::uint64_t csv_prices(const std::string& path) {
  // The seed's load_purchases: readlines() first, then parse.
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(std::move(line));
  std::uint64_t total = 0;
  for (const std::string& line : lines) total += generators::parse_price(line);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "eager_vector",
    .description = "materialise every stage into a std::vector, then consume (Python list comprehension)",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
    .variants = generators::page_variants(),
});

}  // namespace
