// Lazy, internal iteration: the producer loops and calls the consumer back for each element;
// the consumer returns false to stop. The callback is type-erased (a function pointer and a
// context, as across a library boundary), so each element costs an indirect call — a template
// callback would inline into the same loop the iterator implementation already measures.
#include <fstream>
#include <string>

#include "generators/workloads.h"

namespace {

// A non-owning callable reference: the type erasure a C API or a plugin boundary imposes.
template <class T>
class Consumer {
 public:
  template <class F>
  Consumer(F& f) : context_(&f), call_([](void* context, T value) { return (*static_cast<F*>(context))(value); }) {}
  bool operator()(T value) const { return call_(context_, value); }

 private:
  void* context_;
  bool (*call_)(void*, T);
};

// The producers are opaque to the optimiser, as a library's would be: noipa, not just noinline,
// because GCC would otherwise clone each producer with its one callback constant-propagated in.
[[gnu::noipa]] void produce_plus_ones(std::uint64_t n, Consumer<std::uint64_t> consume) {
  for (std::uint64_t x = 0; x < n && consume(generators::plus_one(x)); ++x) {
  }
}

[[gnu::noipa]] void produce_fibonacci(std::uint64_t n, Consumer<std::uint64_t> consume) {
  generators::Fibonacci fibonacci;
  for (std::uint64_t i = 0; i < n && consume(fibonacci.next()); ++i) {
  }
}

[[gnu::noipa]] void produce_pipeline(std::uint64_t n, Consumer<std::uint64_t> consume) {
  for (std::uint64_t x = 0; x < n; ++x) {
    if (generators::pipeline_keep(x) && !consume(generators::pipeline_map(x))) return;
  }
}

[[gnu::noipa]] void produce_lines(const std::string& path, Consumer<const std::string&> consume) {
  std::ifstream file(path);
  for (std::string line; std::getline(file, line) && consume(line);) {
  }
}

// Sums everything `produce` hands over, never asking it to stop.
template <class Producer>
std::uint64_t sum_all(Producer produce, std::uint64_t n) {
  std::uint64_t total = 0;
  auto add = [&](std::uint64_t value) {
    total += value;
    return true;
  };
  produce(n, add);
  return total;
}

std::uint64_t sum_plus_one(std::uint64_t n) { return sum_all(produce_plus_ones, n); }

std::uint64_t fibonacci_take(std::uint64_t n) { return sum_all(produce_fibonacci, n); }

std::uint64_t pipeline_first(std::uint64_t n) {
  std::uint64_t found = 0;
  auto find = [&](std::uint64_t y) {
    if (generators::pipeline_match(y)) found = y;
    return found == 0;
  };
  produce_pipeline(n, find);
  return found;
}

std::uint64_t csv_prices(const std::string& path) {
  std::uint64_t total = 0;
  auto add = [&](const std::string& line) {
    total += generators::parse_price(line);
    return true;
  };
  produce_lines(path, add);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "callback",
    .description = "internal iteration: the producer calls a type-erased consumer per element, which can stop it",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
});

}  // namespace
