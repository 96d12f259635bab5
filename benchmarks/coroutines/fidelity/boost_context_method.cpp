// Fidelity check for boost_fiber's switch_round_trip: is the suite's fiber round trip what
// Boost.Context's own performance program (libs/context/performance/fiber) measures?
//
// Boost's method: one fiber whose body resumes its caller forever; one warm-up resume; then
// 1,000,000 resumes timed with one clock pair; the clock's own overhead (the mean of ten
// back-to-back now() pairs) subtracted; divided by the resumes (a round trip: two jumps; Boost
// prints half of it, per jump). This program times, that way and alternately, for several rounds:
//   1. Boost's loop itself (the fiber passes nothing back; Boost's default 128 KiB stack, which
//      glibc maps with mmap);
//   2. a minimal loop of the workload's shape written straight against boost::context::fiber:
//      the fiber stores opaque(i) where the caller reads it, the caller sums (what
//      switch_round_trip does, without the suite's resume/yield wrapper), on the suite's
//      stack (64 KiB fixedsize_stack, from the malloc heap): where the stack sits alone moves a
//      round trip by ~0.5 ns on this machine (memory layout, not code);
//   3. the suite's implementation, coroutines/switch_round_trip/boost_fiber at n = 1,000,000.
// and prints medians, minimums and the ratios 3/2 (the suite's own overhead) and 3/1. No
// assertion: timings are reported, never tested.
#include <algorithm>
#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"

namespace {

namespace context = boost::context;
using clock_type = std::chrono::steady_clock;

double clock_overhead_ns() {
  double total = 0;
  constexpr int kPairs = 10;
  for (int i = 0; i < kPairs; ++i) {
    const auto start = clock_type::now();
    total += std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  }
  return total / kPairs;
}

context::fiber forever(context::fiber&& caller) {
  while (true) caller = std::move(caller).resume();
  return {};
}

// Boost's loop: ns per round trip (resume + the fiber's resume back).
double boost_method_ns(std::uint64_t jobs) {
  context::fiber fiber{forever};
  fiber = std::move(fiber).resume();  // warm-up
  const auto start = clock_type::now();
  for (std::uint64_t i = 0; i < jobs; ++i) fiber = std::move(fiber).resume();
  const double total = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  return (total - clock_overhead_ns()) / static_cast<double>(jobs);
}  // destroying the suspended fiber unwinds it

// The workload's shape, minimal: the same value protocol as switch_round_trip, no wrapper.
double same_shape_ns(std::uint64_t jobs) {
  std::uint64_t value = 0;
  context::fiber fiber{std::allocator_arg, context::fixedsize_stack(64 * 1024), [&value](context::fiber&& caller) {
                         for (std::uint64_t i = 0;; ++i) {
                           value = coroutines::opaque(i);
                           caller = std::move(caller).resume();
                         }
                         return std::move(caller);
                       }};
  fiber = std::move(fiber).resume();  // warm-up: value 0
  std::uint64_t total = 0;
  const auto start = clock_type::now();
  for (std::uint64_t i = 0; i < jobs; ++i) {
    fiber = std::move(fiber).resume();
    total += value;
  }
  const double total_ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (total != jobs * (jobs + 1) / 2) std::abort();
  return (total_ns - clock_overhead_ns()) / static_cast<double>(jobs);
}

// The suite's implementation, timed the same way: one call is n round trips (plus the fiber's
// creation and its final resume, which n = 1,000,000 amortises).
double suite_ns(coroutines::Run run, std::uint64_t n) {
  const coroutines::Size size{n};
  if (run(size, 0) != coroutines::switch_round_trip_checksum(n)) std::abort();  // warm-up, checked
  const auto start = clock_type::now();
  const std::uint64_t checksum = run(size, 0);
  const double total = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (checksum != coroutines::switch_round_trip_checksum(n)) std::abort();
  return (total - clock_overhead_ns()) / static_cast<double>(n);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 9;
  constexpr std::uint64_t kJobs = 1'000'000;
  coroutines::Run suite = nullptr;
  for (const yb::Implementation* implementation : coroutines::implementations()) {
    if (implementation->name == "boost_fiber")
      suite = coroutines::run_of(*implementation, coroutines::switch_round_trip);
  }
  if (suite == nullptr) {
    std::fprintf(stderr, "boost_fiber is not registered\n");
    return 1;
  }
  std::vector<double> boost, shape, ours;
  for (int round = 0; round < rounds; ++round) {
    boost.push_back(boost_method_ns(kJobs));
    shape.push_back(same_shape_ns(kJobs));
    ours.push_back(suite_ns(suite, kJobs));
  }
  const auto minimum = [](const std::vector<double>& values) {
    return *std::min_element(values.begin(), values.end());
  };
  const double b = median(boost), m = median(shape), s = median(ours);
  std::printf(
      "Boost.Context method (warm-up, %llu resumes, clock overhead subtracted), %d alternating rounds,\n"
      "ns per round trip (two jumps):\n",
      static_cast<unsigned long long>(kJobs), rounds);
  std::printf("  1 Boost's loop (nothing passed):       median %6.2f  min %6.2f  (%.2f ns per jump, as Boost prints)\n",
              b, minimum(boost), b / 2);
  std::printf("  2 minimal loop of the workload shape:  median %6.2f  min %6.2f\n", m, minimum(shape));
  std::printf("  3 yieldbench boost_fiber stack:fixed:  median %6.2f  min %6.2f\n", s, minimum(ours));
  std::printf("  ratio 3/2: median %.3f  min %.3f   (fidelity target: within 10%%)\n", s / m,
              minimum(ours) / minimum(shape));
  std::printf("  ratio 3/1: median %.3f  min %.3f   (the value passed each way included)\n", s / b,
              minimum(ours) / minimum(boost));
  return 0;
}
