// Stackless: C++20 coroutines. A coroutine is a heap frame holding only what lives across its
// suspension points (GCC 12 has no heap-allocation elision across these calls, so every
// coroutine is one operator new: alive_many's bytes_per_unit is heap_peak_bytes, exact). A
// resume is an indirect call into the frame's resume function; a suspension is a return. It
// can suspend only in its own body, not from a function it calls: skynet's parents co_await
// their children, with symmetric transfer so the native stack does not grow.
#include <array>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"

namespace {

using coroutines::opaque;
using coroutines::Size;

// One coroutine type for every workload: lazy (suspended before its first statement), yields
// values out and receives values in (`x = co_yield y`), returns a value, and can be co_awaited
// by another coroutine, which it resumes when it finishes.
class Coroutine {
 public:
  struct promise_type {
    std::uint64_t value = 0;  // the last co_yield or co_return
    std::uint64_t sent = 0;   // what the next resume hands to the suspended co_yield
    std::coroutine_handle<> continuation;

    Coroutine get_return_object() { return Coroutine{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct ResumeAwaiter {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) noexcept {
          const auto next = self.promise().continuation;
          return next ? next : std::noop_coroutine();
        }
        void await_resume() noexcept {}
      };
      return ResumeAwaiter{};
    }
    auto yield_value(std::uint64_t out) noexcept {
      value = out;
      struct Received {
        promise_type* promise;
        bool await_ready() noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) noexcept {}
        std::uint64_t await_resume() noexcept { return promise->sent; }
      };
      return Received{this};
    }
    void return_value(std::uint64_t out) noexcept { value = out; }
    void unhandled_exception() { std::terminate(); }
  };

  Coroutine() = default;
  Coroutine(Coroutine&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Coroutine& operator=(Coroutine&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  ~Coroutine() {
    if (handle_) handle_.destroy();
  }

  void resume() { handle_.resume(); }
  void send(std::uint64_t value) { handle_.promise().sent = value; }
  std::uint64_t value() const { return handle_.promise().value; }
  bool done() const { return handle_.done(); }

  // co_await child: runs the child (symmetric transfer) and continues here when it returns.
  auto operator co_await() noexcept {
    struct ChildAwaiter {
      std::coroutine_handle<promise_type> child;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
        child.promise().continuation = parent;
        return child;
      }
      std::uint64_t await_resume() noexcept { return child.promise().value; }
    };
    return ChildAwaiter{handle_};
  }

 private:
  explicit Coroutine(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

// --- switch_round_trip ---

Coroutine counter(std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) co_yield opaque(i);
  co_return 0;
}

std::uint64_t switch_round_trip(Size size, int) {
  Coroutine coroutine = counter(size.n);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) {
    coroutine.resume();
    total += coroutine.value();
  }
  coroutine.resume();  // lets it return
  return total;
}

// --- send_receive: the seed's running average, `x = yield total` ---

Coroutine running_totals(std::uint64_t n) {
  std::uint64_t running = 0;
  std::uint64_t x = co_yield 0;  // primed: waits for the first value
  for (std::uint64_t i = 0; i < n; ++i) {
    running += x;
    x = co_yield opaque(running);
  }
  co_return 0;
}

std::uint64_t send_receive(Size size, int) {
  Coroutine coroutine = running_totals(size.n);
  coroutine.resume();  // prime
  std::uint64_t total = 0;
  for (std::uint64_t x = 0; x < size.n; ++x) {
    coroutine.send(x);
    coroutine.resume();
    total += coroutine.value();
  }
  coroutine.resume();  // lets it return
  return total;
}

// --- create_destroy and alive_many ---

Coroutine suspend_once(std::uint64_t i) {
  co_yield coroutines::suspend_once_value(i);
  co_return coroutines::suspend_once_value(i);
}

std::uint64_t create_destroy(Size size, int) {
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) {
    Coroutine coroutine = suspend_once(i);
    coroutine.resume();
    total += coroutine.value();
    coroutine.resume();
    total += coroutine.value();
  }
  return total;
}

std::uint64_t alive_many(Size size, int) {
  std::vector<Coroutine> alive(size.n);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) {
    alive[i] = suspend_once(i);
    alive[i].resume();
    total += alive[i].value();
  }
  for (auto& coroutine : alive) {  // all k are suspended now: the memory probe's peak
    coroutine.resume();
    total += coroutine.value();
  }
  return total;
}

// --- round_robin ---

Coroutine task(std::uint64_t index, std::uint64_t yields) {
  for (std::uint64_t step = 0; step < yields; ++step) co_yield coroutines::round_robin_value(index, step, yields);
  co_return 0;
}

std::uint64_t round_robin(Size size, int) {
  std::vector<Coroutine> queue(size.n);
  for (std::uint64_t index = 0; index < size.n; ++index) queue[index] = task(index, size.m);
  std::uint64_t hash = coroutines::kRoundRobinSeed;
  for (std::uint64_t step = 0; step < size.m; ++step) {
    for (auto& coroutine : queue) {
      coroutine.resume();
      hash = coroutines::round_robin_fold(hash, coroutine.value());
    }
  }
  for (auto& coroutine : queue) coroutine.resume();  // lets every task return
  return hash;
}

// --- skynet ---

Coroutine skynet_node(std::uint64_t first, std::uint64_t count) {
  if (count == 1) co_return coroutines::skynet_leaf(first);
  const std::uint64_t part = count / coroutines::kSkynetFanOut;
  std::array<Coroutine, coroutines::kSkynetFanOut> children;
  for (std::uint64_t child = 0; child < children.size(); ++child) {
    children[child] = skynet_node(first + child * part, part);
  }
  std::uint64_t sum = 0;
  for (auto& child : children) sum += co_await child;
  co_return sum;
}

std::uint64_t skynet(Size size, int) {
  Coroutine root = skynet_node(0, size.n);
  root.resume();  // runs the whole tree: every child returns to its parent, the root to here
  return root.value();
}

YB_REGISTER_IMPLEMENTATION({
    .name = "cxx20_coroutine",
    .description = "stackless: C++20 coroutines, one heap frame each, resume = indirect call; skynet by co_await "
                   "with symmetric transfer; bytes_per_unit from heap_peak_bytes (frames are operator new)",
    .functions = {yb::implements(coroutines::switch_round_trip, switch_round_trip),
                  yb::implements(coroutines::create_destroy, create_destroy),
                  yb::implements(coroutines::send_receive, send_receive),
                  yb::implements(coroutines::alive_many, alive_many),
                  yb::implements(coroutines::round_robin, round_robin), yb::implements(coroutines::skynet, skynet)},
    .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::heap},
});

}  // namespace
