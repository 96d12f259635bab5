// The workloads, written once for every model whose coroutine is a handle with resume() and
// whose body suspends itself with self.yield(): Boost.Context fibers, ucontext and OS threads.
// The stackless implementations (C++20 coroutines, the state machine) write their own, because
// their coroutines cannot suspend from inside a called function.
//
// A model is a `make(body)` callable returning a movable, default-constructible handle:
//   handle.resume()  runs the coroutine until its body calls self.yield() or returns;
//   handle.done()    whether the body has returned (its resources are then released or releasable);
// the body is called as body(self) on the coroutine's own stack (or thread).
// Values travel through a variable both sides see; the handle's resume/yield order the accesses.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "coroutines/workloads.h"

namespace coroutines::resume_yield {

template <class Make>
std::uint64_t switch_round_trip(std::uint64_t n, const Make& make) {
  std::uint64_t value = 0;
  auto coroutine = make([n, &value](auto& self) {
    for (std::uint64_t i = 0; i < n; ++i) {
      value = opaque(i);
      self.yield();
    }
  });
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    coroutine.resume();
    total += value;
  }
  coroutine.resume();  // lets the body return
  return total;
}

template <class Make>
std::uint64_t send_receive(std::uint64_t n, const Make& make) {
  std::uint64_t sent = 0;
  std::uint64_t answer = 0;
  auto coroutine = make([n, &sent, &answer](auto& self) {
    std::uint64_t running = 0;
    self.yield();  // primed: waits for the first value
    for (std::uint64_t i = 0; i < n; ++i) {
      running += sent;
      answer = opaque(running);
      self.yield();
    }
  });
  coroutine.resume();  // prime (the seed's next(gen) before the first send)
  std::uint64_t total = 0;
  for (std::uint64_t x = 0; x < n; ++x) {
    sent = x;
    coroutine.resume();
    total += answer;
  }
  coroutine.resume();  // lets the body return
  return total;
}

// The body of create_destroy and alive_many: suspends once holding its index, then finishes.
inline auto suspend_once_body(std::uint64_t i, std::uint64_t& value) {
  return [i, &value](auto& self) {
    value = suspend_once_value(i);
    self.yield();
    value = suspend_once_value(i);
  };
}

template <class Make>
std::uint64_t create_destroy(std::uint64_t n, const Make& make) {
  std::uint64_t value = 0;
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto coroutine = make(suspend_once_body(i, value));
    coroutine.resume();
    total += value;
    coroutine.resume();
    total += value;
  }
  return total;
}

template <class Make>
std::uint64_t alive_many(std::uint64_t k, const Make& make) {
  std::uint64_t value = 0;
  std::uint64_t total = 0;
  std::vector<decltype(make(suspend_once_body(0, value)))> coroutines(k);
  for (std::uint64_t i = 0; i < k; ++i) {
    coroutines[i] = make(suspend_once_body(i, value));
    coroutines[i].resume();
    total += value;
  }
  // All k are suspended now: the memory probe's peak.
  for (auto& coroutine : coroutines) {
    coroutine.resume();
    total += value;
  }
  return total;
}

template <class Make>
std::uint64_t round_robin(std::uint64_t tasks, std::uint64_t yields, const Make& make) {
  std::uint64_t value = 0;
  const auto task_body = [yields, &value](std::uint64_t task) {
    return [task, yields, &value](auto& self) {
      for (std::uint64_t step = 0; step < yields; ++step) {
        value = round_robin_value(task, step, yields);
        self.yield();
      }
    };
  };
  std::vector<decltype(make(task_body(0)))> queue(tasks);
  for (std::uint64_t task = 0; task < tasks; ++task) queue[task] = make(task_body(task));
  std::uint64_t hash = kRoundRobinSeed;
  for (std::uint64_t step = 0; step < yields; ++step) {
    for (auto& task : queue) {
      task.resume();
      hash = round_robin_fold(hash, value);
    }
  }
  for (auto& task : queue) task.resume();  // lets every body return
  return hash;
}

// One skynet node, run inside its own coroutine: starts its 10 children (created, not yet run),
// then resumes each to completion and sums their results.
template <class Make>
std::uint64_t skynet_node(std::uint64_t first, std::uint64_t count, const Make& make) {
  if (count == 1) return skynet_leaf(first);
  const std::uint64_t part = count / kSkynetFanOut;
  std::array<std::uint64_t, kSkynetFanOut> results{};
  const auto child_body = [&results, &make, first, part](std::uint64_t child) {
    return [&results, &make, child, first, part](auto&) {
      results[child] = skynet_node(first + child * part, part, make);
    };
  };
  std::array<decltype(make(child_body(0))), kSkynetFanOut> children;
  for (std::uint64_t child = 0; child < kSkynetFanOut; ++child) children[child] = make(child_body(child));
  std::uint64_t sum = 0;
  for (std::uint64_t child = 0; child < kSkynetFanOut; ++child) {
    children[child].resume();
    sum += results[child];
  }
  return sum;
}

template <class Make>
std::uint64_t skynet(std::uint64_t leaves, const Make& make) {
  std::uint64_t total = 0;
  auto root = make([leaves, &total, &make](auto&) { total = skynet_node(0, leaves, make); });
  root.resume();
  return total;
}

// Workload `id` at `size` with coroutines from `make`: the one mapping from a workload to its
// function above, for every implementation built on resume/yield handles.
template <WorkloadId id, class Make>
std::uint64_t run(Size size, const Make& make) {
  if constexpr (id == WorkloadId::switch_round_trip) return switch_round_trip(size.n, make);
  if constexpr (id == WorkloadId::create_destroy) return create_destroy(size.n, make);
  if constexpr (id == WorkloadId::send_receive) return send_receive(size.n, make);
  if constexpr (id == WorkloadId::alive_many) return alive_many(size.n, make);
  if constexpr (id == WorkloadId::round_robin) return round_robin(size.n, size.m, make);
  if constexpr (id == WorkloadId::skynet) return skynet(size.n, make);
}

}  // namespace coroutines::resume_yield
