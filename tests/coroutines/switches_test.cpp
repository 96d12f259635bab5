// The point of the matchup, checked: an OS-thread handoff costs kernel context switches, a
// coroutine switch costs none. Counted with yb::SystemCounters (getrusage, and perf software
// events where permitted), as the benchmarks count them. No timing is asserted.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <string>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"
#include "system_counters.h"
#include "test_support.h"

namespace {

using coroutines::testing::Subject;

const yb::Implementation& implementation_named(const std::string& name) {
  for (const auto* implementation : coroutines::implementations()) {
    if (implementation->name == name) return *implementation;
  }
  throw std::invalid_argument("no implementation " + name);
}

int variant_named(const yb::Implementation& implementation, const std::string& value) {
  for (int i = 0; i < static_cast<int>(implementation.variants.size()); ++i) {
    if (implementation.variants[i].front().second == value) return i;
  }
  throw std::invalid_argument("no variant " + value);
}

bool same_affinity(const cpu_set_t& a, const cpu_set_t& b) { return CPU_EQUAL(&a, &b); }

// thread_handoff with cpus:same pins both threads to one CPU, so every handoff must switch: the
// coroutine's thread and the resumer cannot both run. A switch is voluntary when the side that
// hands over blocks in FUTEX_WAIT, involuntary when the woken thread preempts it first (wake-up
// preemption), after which its wait finds the baton already posted and does not block. So: at
// least one switch per handoff (two per round trip), and at least one voluntary per round trip
// (of the two sides handing over in a round trip, the second always finds the other runnable,
// posts and blocks).
TEST(ThreadHandoff, SwitchesAtLeastOncePerHandoffOnOneCpu) {
  constexpr std::uint64_t kRoundTrips = 2000;
  const auto& threads = implementation_named("thread_handoff");
  const int same = variant_named(threads, "same");
  cpu_set_t before;
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof(before), &before), 0);

  for (const coroutines::Workload* workload : {&coroutines::switch_round_trip, &coroutines::send_receive}) {
    const yb::SystemCounters counters;
    const std::uint64_t result = coroutines::run_of(threads, *workload)({kRoundTrips}, same);
    const yb::SystemUsage usage = counters.elapsed();
    EXPECT_EQ(result, coroutines::checksum(*workload, {kRoundTrips}));
    EXPECT_GE(usage.ctx_voluntary, static_cast<std::int64_t>(kRoundTrips)) << workload->name();
    EXPECT_GE(usage.ctx_voluntary + usage.ctx_involuntary, static_cast<std::int64_t>(2 * kRoundTrips))
        << workload->name();
    if (usage.ctx_switches) {
      EXPECT_GE(*usage.ctx_switches, static_cast<std::int64_t>(2 * kRoundTrips)) << workload->name();
    }
  }

  cpu_set_t after;
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof(after), &after), 0);
  EXPECT_TRUE(same_affinity(before, after)) << "the resumer's CPU affinity is restored after an operation";
}

class SwitchesOf : public ::testing::TestWithParam<Subject> {};

// A coroutine switch is a function call or a register swap: no kernel scheduling at all. At
// 100,000 round trips, anything near one switch per round trip would show as thousands; a
// shared machine may preempt the test a few times, which is what the slack allows.
TEST_P(SwitchesOf, SwitchesWithoutTheKernel) {
  constexpr std::uint64_t kRoundTrips = 100'000;
  const Subject& subject = GetParam();
  for (const coroutines::Workload* workload : {&coroutines::switch_round_trip, &coroutines::send_receive}) {
    if (!coroutines::testing::runs(subject, *workload)) continue;
    const coroutines::Run run = coroutines::run_of(*subject.implementation, *workload);
    run({kRoundTrips}, subject.variant);  // warm-up: the stack's first pages are not the point
    const yb::SystemCounters counters;
    const std::uint64_t result = run({kRoundTrips}, subject.variant);
    const yb::SystemUsage usage = counters.elapsed();
    EXPECT_EQ(result, coroutines::checksum(*workload, {kRoundTrips}));
    EXPECT_LE(usage.ctx_voluntary, 2) << workload->name() << ": a coroutine never blocks";
    EXPECT_LT(usage.ctx_voluntary + usage.ctx_involuntary, static_cast<std::int64_t>(kRoundTrips / 1000))
        << workload->name();
  }
}

std::vector<Subject> coroutine_subjects() {
  std::vector<Subject> all;
  for (const Subject& subject : coroutines::testing::subjects()) {
    if (std::string(subject.implementation->name) != "thread_handoff") all.push_back(subject);
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Coroutines, SwitchesOf, ::testing::ValuesIn(coroutine_subjects()),
                         [](const auto& info) { return info.param.name(); });

}  // namespace
