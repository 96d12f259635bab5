// Lazy, stackless: a C++20 coroutine yields each element (the seed's generator expression,
// sum(1 + x for x in range(n))). The frame is one small heap allocation, flat in n.
#include <fstream>
#include <string>
#include <string_view>

#include "generators/generator.h"
#include "generators/workloads.h"

namespace {

using generators::Generator;

Generator<std::uint64_t> plus_ones(std::uint64_t n) {
  for (std::uint64_t x = 0; x < n; ++x) co_yield generators::plus_one(x);
}

Generator<std::uint64_t> fibonacci_numbers(std::uint64_t n) {
  generators::Fibonacci fibonacci;
  for (std::uint64_t i = 0; i < n; ++i) co_yield fibonacci.next();
}

Generator<std::uint64_t> kept(std::uint64_t n) {
  for (std::uint64_t x = 0; x < n; ++x) {
    if (generators::pipeline_keep(x)) co_yield x;
  }
}

Generator<std::uint64_t> mapped(Generator<std::uint64_t> inputs) {
  for (const std::uint64_t x : inputs) co_yield generators::pipeline_map(x);
}

// The view is valid until the next resume, which is all a line-by-line consumer needs.
Generator<std::string_view> lines(const std::string& path) {
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) co_yield line;
}

std::uint64_t sum_plus_one(std::uint64_t n) {
  std::uint64_t total = 0;
  for (const std::uint64_t value : plus_ones(n)) total += value;
  return total;
}

std::uint64_t fibonacci_take(std::uint64_t n) {
  std::uint64_t total = 0;
  for (const std::uint64_t value : fibonacci_numbers(n)) total += value;
  return total;
}

std::uint64_t pipeline_first(std::uint64_t n) {
  for (const std::uint64_t y : mapped(kept(n))) {
    if (generators::pipeline_match(y)) return y;  // destroying the generators stops the stages
  }
  return 0;
}

std::uint64_t csv_prices(const std::string& path) {
  std::uint64_t total = 0;
  for (const std::string_view line : lines(path)) total += generators::parse_price(line);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "coroutine_generator",
    .description = "C++20 stackless coroutine generator, co_yield per element (Python generator)",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
});

}  // namespace
