// Stackless, by hand: every coroutine is a small object holding its state (where it is suspended
// and what lives across the suspension) and a resume() that switches on that state, which is
// what a compiler makes of a C++20 coroutine, minus the heap frame and the indirect call.
// resume() is an opaque out-of-line call (noipa: not inlined, not cloned or specialised for its
// caller), as it is from a scheduler holding many machines; inlined into a known caller a state
// machine is just the loop. Machines live where their owner puts them (a vector, an explicit
// stack), so creating one allocates nothing of its own: alive_many's bytes_per_unit is
// heap_peak_bytes, the vector holding them.
#include <cstdint>
#include <vector>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"

namespace {

using coroutines::opaque;
using coroutines::Size;

// switch_round_trip: yields opaque(i) for i < n, then finishes.
class Counter {
 public:
  explicit Counter(std::uint64_t n) : n_(n) {}
  [[gnu::noipa]] void resume() {
    switch (state_) {
      case State::running:
        if (i_ < n_) {
          value = opaque(i_++);
          return;
        }
        state_ = State::finished;
        return;
      case State::finished: return;
    }
  }
  std::uint64_t value = 0;

 private:
  enum class State : std::uint8_t { running, finished } state_ = State::running;
  std::uint64_t n_;
  std::uint64_t i_ = 0;
};

std::uint64_t switch_round_trip(Size size, int) {
  Counter machine(size.n);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) {
    machine.resume();
    total += machine.value;
  }
  machine.resume();  // lets it finish
  return total;
}

// send_receive: primed first, then answers every value sent with the running total.
class RunningTotals {
 public:
  explicit RunningTotals(std::uint64_t n) : n_(n) {}
  [[gnu::noipa]] void resume() {
    switch (state_) {
      case State::start: state_ = State::receiving; return;  // primed
      case State::receiving:
        if (i_ == n_) {
          state_ = State::finished;
          return;
        }
        running_ += sent;
        answer = opaque(running_);
        ++i_;
        return;
      case State::finished: return;
    }
  }
  std::uint64_t sent = 0;
  std::uint64_t answer = 0;

 private:
  enum class State : std::uint8_t { start, receiving, finished } state_ = State::start;
  std::uint64_t n_;
  std::uint64_t i_ = 0;
  std::uint64_t running_ = 0;
};

std::uint64_t send_receive(Size size, int) {
  RunningTotals machine(size.n);
  machine.resume();  // prime
  std::uint64_t total = 0;
  for (std::uint64_t x = 0; x < size.n; ++x) {
    machine.sent = x;
    machine.resume();
    total += machine.answer;
  }
  machine.resume();  // lets it finish
  return total;
}

// create_destroy and alive_many: yields its index once, then produces it again and finishes.
// 16 bytes: the index and the state.
class SuspendOnce {
 public:
  SuspendOnce() = default;
  explicit SuspendOnce(std::uint64_t index) : index_(index) {}
  [[gnu::noipa]] std::uint64_t resume() {
    switch (state_) {
      case State::start: state_ = State::suspended; return coroutines::suspend_once_value(index_);
      case State::suspended: state_ = State::finished; return coroutines::suspend_once_value(index_);
      case State::finished: return 0;
    }
    return 0;
  }

 private:
  std::uint64_t index_ = 0;
  enum class State : std::uint8_t { start, suspended, finished } state_ = State::start;
};

std::uint64_t create_destroy(Size size, int) {
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) {
    SuspendOnce machine(i);
    total += machine.resume();
    total += machine.resume();
  }
  return total;
}

std::uint64_t alive_many(Size size, int) {
  std::vector<SuspendOnce> alive;
  alive.reserve(size.n);  // one exact block: the peak is k machines, not a doubling vector's 1.5 k
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < size.n; ++i) total += alive.emplace_back(i).resume();
  for (auto& machine : alive) total += machine.resume();  // all k were suspended: the probe's peak
  return total;
}

// round_robin: a task yields its values, then finishes.
class Task {
 public:
  Task(std::uint64_t index, std::uint64_t yields) : index_(index), yields_(yields) {}
  [[gnu::noipa]] bool resume() {  // false once finished
    if (step_ == yields_) return false;
    value = coroutines::round_robin_value(index_, step_++, yields_);
    return true;
  }
  std::uint64_t value = 0;

 private:
  std::uint64_t index_;
  std::uint64_t yields_;
  std::uint64_t step_ = 0;
};

std::uint64_t round_robin(Size size, int) {
  std::vector<Task> queue;
  queue.reserve(size.n);
  for (std::uint64_t index = 0; index < size.n; ++index) queue.emplace_back(index, size.m);
  std::uint64_t hash = coroutines::kRoundRobinSeed;
  for (std::uint64_t step = 0; step < size.m; ++step) {
    for (auto& task : queue) {
      task.resume();
      hash = coroutines::round_robin_fold(hash, task.value);
    }
  }
  for (auto& task : queue) task.resume();  // lets every task finish
  return hash;
}

// skynet: a node machine starts its 10 children (pushes them onto an explicit stack, the first
// on top), then, resumed when they are done, finishes with their sum. Children add their result
// into their parent's sum.
struct Node {
  std::uint64_t first;
  std::uint64_t count;
  std::uint64_t sum = 0;
  std::uint32_t parent;  // index on the stack; kNone for the root
  bool started = false;
};
constexpr std::uint32_t kNone = ~0u;

// Advances the machine on top of `stack`: returns true when it finished (and has been popped).
[[gnu::noipa]] bool resume(std::vector<Node>& stack, std::uint64_t& root_result) {
  const auto self = static_cast<std::uint32_t>(stack.size() - 1);
  Node& node = stack.back();
  if (node.count > 1 && !node.started) {
    node.started = true;
    const std::uint64_t part = node.count / coroutines::kSkynetFanOut;
    const std::uint64_t first = node.first;
    for (std::uint64_t child = coroutines::kSkynetFanOut; child-- > 0;) {
      stack.push_back({first + child * part, part, 0, self});
    }
    return false;
  }
  const std::uint64_t result = node.count == 1 ? coroutines::skynet_leaf(node.first) : node.sum;
  const std::uint32_t parent = node.parent;
  stack.pop_back();
  (parent == kNone ? root_result : stack[parent].sum) += result;
  return true;
}

std::uint64_t skynet(Size size, int) {
  std::vector<Node> stack;
  stack.reserve(coroutines::kSkynetFanOut * 20);  // 10 per level of a tree at most 20 deep: never grows
  stack.push_back({0, size.n, 0, kNone});
  std::uint64_t total = 0;
  while (!stack.empty()) resume(stack, total);
  return total;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "state_machine",
    .description = "stackless by hand: a state object and an out-of-line resume() per coroutine, no frame "
                   "allocation; bytes_per_unit from heap_peak_bytes (the vector holding the machines)",
    .functions = {yb::implements(coroutines::switch_round_trip, switch_round_trip),
                  yb::implements(coroutines::create_destroy, create_destroy),
                  yb::implements(coroutines::send_receive, send_receive),
                  yb::implements(coroutines::alive_many, alive_many),
                  yb::implements(coroutines::round_robin, round_robin), yb::implements(coroutines::skynet, skynet)},
    .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::heap},
});

}  // namespace
