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

// Busy for `cpu` of this thread's own CPU time, however loaded the machine is.
void spin_for_cpu_time(std::chrono::nanoseconds cpu) {
  const auto thread_cpu_ns = [] {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
  };
  const auto until = thread_cpu_ns() + cpu;
  while (thread_cpu_ns() < until) {
  }
}

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
  spin_for_cpu_time(std::chrono::milliseconds(20));
  const yb::SystemUsage usage = counters.elapsed();

  EXPECT_LE(usage.ctx_voluntary, 1) << "a CPU loop never blocks";
  // Preemption on a loaded 2-CPU machine is possible: a scheduler slice is a few ms, so tens at
  // most, against the thousands of the handoff test.
  EXPECT_LE(usage.ctx_involuntary, 50);
  if (usage.ctx_switches) {
    EXPECT_LE(*usage.ctx_switches, 51);
  }
  if (usage.task_clock_ns) {
    EXPECT_GE(*usage.task_clock_ns, 20'000'000) << "task clock counts the busy loop";
  }
}

TEST(SystemCounters, PerfEventsCountThreadsStartedInside) {
  if (!yb::perf_software_events_unavailable_reason().empty()) {
    GTEST_SKIP() << yb::perf_software_events_unavailable_reason();
  }
  yb::SystemCounters counters;
  std::thread busy([] { spin_for_cpu_time(std::chrono::milliseconds(20)); });
  busy.join();
  const yb::SystemUsage usage = counters.elapsed();
  ASSERT_TRUE(usage.task_clock_ns.has_value());
  EXPECT_GE(*usage.task_clock_ns, 20'000'000) << "the worker's CPU time reaches the parent through inherit";
}

TEST(SystemCounters, PerfEventsCountThreadsStartedBefore) {
  if (!yb::perf_software_events_unavailable_reason().empty()) {
    GTEST_SKIP() << yb::perf_software_events_unavailable_reason();
  }
  std::mutex mutex;
  std::condition_variable go_changed;
  bool go = false;
  std::thread server([&] {  // like a server started in a benchmark's setup
    std::unique_lock lock(mutex);
    go_changed.wait(lock, [&] { return go; });
    lock.unlock();
    spin_for_cpu_time(std::chrono::milliseconds(20));
  });
  yb::SystemCounters counters;
  {
    std::lock_guard lock(mutex);
    go = true;
  }
  go_changed.notify_one();
  server.join();
  const yb::SystemUsage usage = counters.elapsed();
  ASSERT_TRUE(usage.task_clock_ns.has_value());
  EXPECT_GE(*usage.task_clock_ns, 20'000'000) << "a thread that existed before the region is counted too";
  EXPECT_GE(*usage.ctx_switches, 1) << "its wake-up, at least";
}

}  // namespace
