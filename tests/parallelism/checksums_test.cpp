// Every parallelism implementation computes its workload's reference checksum at small sizes,
// and the references agree with independent arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/workloads.h"

namespace parallelism {
namespace {

TEST(ParallelismReference, ChecksumsAgreeWithIndependentArithmetic) {
  EXPECT_EQ(triangle(0), 0u);
  EXPECT_EQ(triangle(100), 5050u);
  EXPECT_EQ(triangle(100'000'000), 5'000'000'050'000'000u);  // the seed's printed results
  EXPECT_EQ(triangle(100'000), 5'000'050'000u);
  for (const std::uint64_t n : {0u, 1u, 2u, 99u, 100u, 12'345u}) EXPECT_EQ(sum_to(n), triangle(n)) << n;
  const std::uint64_t list[] = {100, 1000};
  EXPECT_EQ(cpu_sum_checksum(list), 1 * 5050u + 3 * 500'500u);
  EXPECT_EQ(cpu_sum_items(kSeedList), 100'111'100u);
  EXPECT_EQ(cpu_sum_items(kBalancedList), 100'000'000u);
  EXPECT_EQ(spawn_join_checksum(), kSpawnToken);
  EXPECT_EQ(ping_pong_checksum(), pong(kPing));
  EXPECT_NE(pong(kPing), kPing);
  EXPECT_EQ(shared_counter_checksum(2, 1000), 2000u);
}

TEST(ParallelismImplementations, EveryWorkloadHasItsImplementations) {
  const auto names = [](const auto& entries) {
    std::multiset<std::string> all;
    for (const auto& entry : entries) all.insert(entry.name);
    return all;
  };
  EXPECT_EQ(names(spawn_join_implementations()),
            (std::multiset<std::string>{"std_thread", "pthread_small_stack", "fork", "vfork", "posix_spawn",
                                        "thread_pool", "process_pool"}));
  // pipe, eventfd and futex for threads and for processes; condvar for threads only.
  EXPECT_EQ(names(ping_pong_implementations()),
            (std::multiset<std::string>{"pipe", "pipe", "eventfd", "eventfd", "futex", "futex", "condvar"}));
  EXPECT_EQ(names(cpu_sum_implementations()),
            (std::multiset<std::string>{"std_thread", "fork", "thread_pool", "process_pool"}));
  EXPECT_EQ(names(shared_counter_implementations()),
            (std::multiset<std::string>{"mutex", "mutex", "atomic", "atomic"}));
  EXPECT_EQ(names(memory_per_worker_implementations()),
            (std::multiset<std::string>{"std_thread", "pthread_small_stack", "fork", "posix_spawn"}));
}

TEST(ParallelismImplementations, SpawnJoinHandsBackTheToken) {
  for (const auto& implementation : spawn_join_implementations()) {
    SCOPED_TRACE(implementation.name);
    const auto session = implementation.start();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(session->run(), spawn_join_checksum());
    session->stop();
    EXPECT_FALSE(session->failed()) << session->failure();
  }
}

TEST(ParallelismImplementations, PingPongAnswersEveryRoundTrip) {
  for (const auto& implementation : ping_pong_implementations()) {
    SCOPED_TRACE(std::string(implementation.name) + "/" + to_string(implementation.kind));
    const auto session = implementation.start(std::nullopt);
    for (int i = 0; i < 200; ++i) ASSERT_EQ(session->run(), ping_pong_checksum()) << "round trip " << i;
    session->stop();
    EXPECT_FALSE(session->failed()) << session->failure();
  }
}

TEST(ParallelismImplementations, CpuSumMatchesTheReferenceWithOneAndTwoWorkers) {
  const std::vector<std::vector<std::uint64_t>> lists = {
      {100, 1000, 10000, 100000, 200000}, {7}, {0, 1, 2}, {5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000}};
  for (const auto& implementation : cpu_sum_implementations()) {
    for (const int workers : {1, 2, 3}) {
      for (const auto& list : lists) {
        SCOPED_TRACE(std::string(implementation.name) + " workers=" + std::to_string(workers) +
                     " entries=" + std::to_string(list.size()));
        const auto session = implementation.start(workers, list);
        for (int i = 0; i < 3; ++i) EXPECT_EQ(session->run(), cpu_sum_checksum(list));
        session->stop();
        EXPECT_FALSE(session->failed()) << session->failure();
      }
    }
  }
}

TEST(ParallelismImplementations, SharedCounterCountsEveryIncrement) {
  for (const auto& implementation : shared_counter_implementations()) {
    for (const int workers : {1, 2, 3}) {
      SCOPED_TRACE(std::string(implementation.name) + "/" + to_string(implementation.kind) +
                   " workers=" + std::to_string(workers));
      const auto session = implementation.start(workers, 5000);
      for (int i = 0; i < 4; ++i) EXPECT_EQ(session->run(), shared_counter_checksum(workers, 5000));
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    }
  }
}

TEST(ParallelismImplementations, IdleWorkersAllReportIdle) {
  for (const auto& implementation : memory_per_worker_implementations()) {
    SCOPED_TRACE(implementation.name);
    const auto session = implementation.start(4);
    EXPECT_EQ(session->run(), memory_per_worker_checksum(4));
    ASSERT_EQ(session->hold(), 4u);
    if (implementation.kind == WorkerKind::process) {
      EXPECT_EQ(session->processes().size(), 4u);
      for (const pid_t pid : session->processes()) EXPECT_TRUE(smaps_rollup(pid).has_value()) << pid;
    } else {
      EXPECT_GT(session->thread_stack_resident_bytes(), 0);
    }
    session->release();
    EXPECT_EQ(session->run(), memory_per_worker_checksum(4)) << "can start again";
    session->stop();
    EXPECT_FALSE(session->failed()) << session->failure();
  }
}

}  // namespace
}  // namespace parallelism
