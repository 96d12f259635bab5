#include "system_counters.h"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace {

// Pins the calling thread to `cpu`, so two threads pinned alike must switch to hand over.
void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof(set), &set), 0);
}

int first_allowed_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) return cpu;
  }
  return 0;
}

TEST(SystemCounters, SeeAtLeastOneSwitchPerThreadHandoff) {
  constexpr int kHandoffs = 2000;
  const int cpu = first_allowed_cpu();
  cpu_set_t original;
  sched_getaffinity(0, sizeof(original), &original);
  pin_to(cpu);

  std::mutex mutex;
  std::condition_variable turn_changed;
  int turn = 0;  // 0: main's turn, 1: worker's
  yb::SystemCounters counters;
  std::thread worker([&] {
    pin_to(cpu);
    for (int i = 0; i < kHandoffs; ++i) {
      std::unique_lock lock(mutex);
      turn_changed.wait(lock, [&] { return turn == 1; });
      turn = 0;
      turn_changed.notify_one();
    }
  });
  for (int i = 0; i < kHandoffs; ++i) {
    std::unique_lock lock(mutex);
    turn = 1;
    turn_changed.notify_one();
    turn_changed.wait(lock, [&] { return turn == 0; });
  }
  worker.join();
  const yb::SystemUsage usage = counters.elapsed();
  sched_setaffinity(0, sizeof(original), &original);

  // Each handoff blocks one side on one CPU: at least one voluntary switch per handoff.
  EXPECT_GE(usage.ctx_voluntary, kHandoffs);
  if (usage.ctx_switches) {
    EXPECT_GE(*usage.ctx_switches, kHandoffs);
  }
  if (usage.task_clock_ns) {
    EXPECT_GT(*usage.task_clock_ns, 0);
  }
}

TEST(SystemCounters, SeeAlmostNoSwitchesInAPureCpuLoop) {
  yb::SystemCounters counters;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  std::uint64_t spins = 0;
  while (std::chrono::steady_clock::now() < until) benchmark::DoNotOptimize(std::as_const(++spins));
  const yb::SystemUsage usage = counters.elapsed();

  EXPECT_LE(usage.ctx_voluntary, 1) << "a CPU loop never blocks";
  // Preemption on a shared 2-CPU machine is possible, but only a few times in 20 ms.
  EXPECT_LE(usage.ctx_involuntary, 10);
  if (usage.ctx_switches) {
    EXPECT_LE(*usage.ctx_switches, 11);
  }
  if (usage.task_clock_ns) {
    EXPECT_GE(*usage.task_clock_ns, 10'000'000) << "task clock counts the busy loop";
  }
}

TEST(SystemCounters, PerfEventsCountThreadsStartedInside) {
  if (!yb::perf_software_events_unavailable_reason().empty()) {
    GTEST_SKIP() << yb::perf_software_events_unavailable_reason();
  }
  yb::SystemCounters counters;
  std::thread busy([] {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (std::chrono::steady_clock::now() < until) {
    }
  });
  busy.join();
  const yb::SystemUsage usage = counters.elapsed();
  ASSERT_TRUE(usage.task_clock_ns.has_value());
  EXPECT_GE(*usage.task_clock_ns, 15'000'000) << "the worker's CPU time reaches the parent through inherit";
}

}  // namespace
