// Lazy, by hand: iterator classes that keep the producer's state in members, like the seed's
// class-based get_odds with __iter__/__next__. No coroutine machinery; the compiler sees all.
#include <fstream>
#include <iterator>
#include <string>

#include "generators/workloads.h"

namespace {

class PlusOneIterator {
 public:
  explicit PlusOneIterator(std::uint64_t n) : n_(n) {}
  bool done() const { return x_ == n_; }
  std::uint64_t operator*() const { return generators::plus_one(x_); }
  PlusOneIterator& operator++() {
    ++x_;
    return *this;
  }

 private:
  std::uint64_t x_ = 0;
  std::uint64_t n_;
};

class FibonacciIterator {
 public:
  explicit FibonacciIterator(std::uint64_t n) : remaining_(n) { advance(); }
  bool done() const { return exhausted_; }
  std::uint64_t operator*() const { return value_; }
  FibonacciIterator& operator++() {
    advance();
    return *this;
  }

 private:
  void advance() {
    exhausted_ = remaining_ == 0;
    if (exhausted_) return;
    --remaining_;
    value_ = fibonacci_.next();
  }
  generators::Fibonacci fibonacci_;
  std::uint64_t remaining_;
  std::uint64_t value_ = 0;
  bool exhausted_ = false;
};

// filter then map, fused in one iterator: each ++ scans forward to the next kept element.
class PipelineIterator {
 public:
  explicit PipelineIterator(std::uint64_t n) : n_(n) { skip_rejected(); }
  bool done() const { return x_ >= n_; }
  std::uint64_t operator*() const { return generators::pipeline_map(x_); }
  PipelineIterator& operator++() {
    ++x_;
    skip_rejected();
    return *this;
  }

 private:
  void skip_rejected() {
    while (x_ < n_ && !generators::pipeline_keep(x_)) ++x_;
  }
  std::uint64_t x_ = 0;
  std::uint64_t n_;
};

class LineIterator {
 public:
  explicit LineIterator(const std::string& path) : file_(path) { advance(); }
  bool done() const { return exhausted_; }
  const std::string& operator*() const { return line_; }
  LineIterator& operator++() {
    advance();
    return *this;
  }

 private:
  void advance() { exhausted_ = !std::getline(file_, line_); }
  std::ifstream file_;
  std::string line_;
  bool exhausted_ = false;
};

std::uint64_t sum_plus_one(std::uint64_t n) {
  std::uint64_t total = 0;
  for (PlusOneIterator it(n); !it.done(); ++it) total += *it;
  return total;
}

std::uint64_t fibonacci_take(std::uint64_t n) {
  std::uint64_t total = 0;
  for (FibonacciIterator it(n); !it.done(); ++it) total += *it;
  return total;
}

std::uint64_t pipeline_first(std::uint64_t n) {
  for (PipelineIterator it(n); !it.done(); ++it) {
    if (generators::pipeline_match(*it)) return *it;
  }
  return 0;
}

std::uint64_t csv_prices(const std::string& path) {
  std::uint64_t total = 0;
  for (LineIterator it(path); !it.done(); ++it) total += generators::parse_price(*it);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "iterator",
    .description = "hand-written iterator classes holding the producer state (Python class with __next__)",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
});

}  // namespace
