// Lazy, stackful: the producer runs on its own Boost.Context fiber stack and switches to the
// consumer for every element (two user-space context switches per element). Unlike a stackless
// coroutine it can yield from nested calls; the price is a whole stack, counted in the heap
// figures because it is allocated with operator new.
#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <boost/context/stack_traits.hpp>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "fiber_sanitizer.h"
#include "generators/workloads.h"

namespace {

namespace context = boost::context;

// Boost.Context's StackAllocator concept, over operator new so heap_peak_bytes sees the stack.
struct HeapStack {
  std::size_t size = context::stack_traits::default_size();

  context::stack_context allocate() {
    context::stack_context stack;
    stack.size = size;
    stack.sp = static_cast<char*>(::operator new(size)) + size;  // stacks grow down
    return stack;
  }
  void deallocate(context::stack_context& stack) noexcept {
    ::operator delete(static_cast<char*>(stack.sp) - stack.size);
  }
};

// Runs `produce(yield)` on a fiber; each yield(value) suspends it until the next next().
// Every switch is announced to AddressSanitizer (harness/fiber_sanitizer.h; nothing otherwise).
template <class T>
class FiberGenerator {
 public:
  template <class Producer>
  explicit FiberGenerator(Producer produce)
      : producer_(std::allocator_arg, yb::sanitizer_visible(HeapStack{}, &producer_stack_),
                  [this, produce](context::fiber&& consumer) mutable {
                    consumer_stack_ = yb::fiber_entered();
                    consumer_ = std::move(consumer);
                    yb::run_fiber_body([&] { produce([this](T value) { yield(std::move(value)); }); }, consumer_stack_);
                    return std::move(consumer_);
                  }) {}
  FiberGenerator(const FiberGenerator&) = delete;
  FiberGenerator& operator=(const FiberGenerator&) = delete;
  // Destroying a suspended producer switches to it (Boost unwinds its stack), so it is announced.
  ~FiberGenerator() {
    if (!producer_) return;
    yb::FiberSwitch to_producer(producer_stack_);
    producer_ = context::fiber();
  }

  // The next element, or nullptr once the producer has returned.
  const T* next() {
    yb::FiberSwitch to_producer(producer_stack_);
    producer_ = std::move(producer_).resume();
    to_producer.landed();
    return producer_ ? &value_ : nullptr;  // an empty fiber means the producer finished
  }

 private:
  void yield(T value) {
    value_ = std::move(value);
    yb::FiberSwitch to_consumer(consumer_stack_);
    consumer_ = std::move(consumer_).resume();
    consumer_stack_ = to_consumer.landed();
  }

  T value_{};
  [[no_unique_address]] yb::StackBounds consumer_stack_;
  [[no_unique_address]] yb::StackBounds producer_stack_;  // before producer_: its stack allocator writes it
  context::fiber consumer_;
  context::fiber producer_;
};

std::uint64_t sum_plus_one(std::uint64_t n) {
  FiberGenerator<std::uint64_t> values([n](auto yield) {
    for (std::uint64_t x = 0; x < n; ++x) yield(generators::plus_one(x));
  });
  std::uint64_t total = 0;
  while (const auto* value = values.next()) total += *value;
  return total;
}

std::uint64_t fibonacci_take(std::uint64_t n) {
  FiberGenerator<std::uint64_t> values([n](auto yield) {
    generators::Fibonacci fibonacci;
    for (std::uint64_t i = 0; i < n; ++i) yield(fibonacci.next());
  });
  std::uint64_t total = 0;
  while (const auto* value = values.next()) total += *value;
  return total;
}

std::uint64_t pipeline_first(std::uint64_t n) {
  FiberGenerator<std::uint64_t> mapped([n](auto yield) {
    for (std::uint64_t x = 0; x < n; ++x) {
      if (generators::pipeline_keep(x)) yield(generators::pipeline_map(x));
    }
  });
  while (const auto* y = mapped.next()) {
    if (generators::pipeline_match(*y)) return *y;
  }
  return 0;
}

std::uint64_t csv_prices(const std::string& path) {
  FiberGenerator<const std::string*> lines([&path](auto yield) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) yield(&line);
  });
  std::uint64_t total = 0;
  while (const auto* line = lines.next()) total += generators::parse_price(**line);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "fiber_generator",
    .description = "stackful generator on a Boost.Context fiber: two context switches per element",
    .functions = {yb::implements(generators::sum_plus_one, sum_plus_one),
                  yb::implements(generators::fibonacci_take, fibonacci_take),
                  yb::implements(generators::pipeline_first, pipeline_first),
                  yb::implements(generators::csv_prices, csv_prices)},
});

}  // namespace
