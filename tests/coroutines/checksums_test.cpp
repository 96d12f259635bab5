// Every coroutines implementation, in every variant it registers, computes every workload's
// checksum at small sizes; the references themselves agree with independent arithmetic.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"
#include "test_support.h"

namespace {

using coroutines::testing::Subject;

TEST(CoroutinesReference, ChecksumsAgreeWithIndependentArithmetic) {
  EXPECT_EQ(coroutines::switch_round_trip_checksum(0), 0u);
  EXPECT_EQ(coroutines::switch_round_trip_checksum(5), 0u + 1 + 2 + 3 + 4);
  // Σ_{i<n} i(i+1)/2 = (n-1)n(n+1)/6
  EXPECT_EQ(coroutines::send_receive_checksum(4), 0u + 1 + 3 + 6);
  EXPECT_EQ(coroutines::send_receive_checksum(100'000), 99'999ull * 100'000 * 100'001 / 6);
  EXPECT_EQ(coroutines::create_destroy_checksum(4), 2u * (0 + 1 + 2 + 3));
  EXPECT_EQ(coroutines::alive_many_checksum(1'000'000), 999'999'000'000u);
  EXPECT_EQ(coroutines::skynet_checksum(1'000'000), 499'999'500'000u);
  EXPECT_EQ(coroutines::skynet_nodes(1'000'000), 1'111'111u);
  EXPECT_EQ(coroutines::skynet_nodes(1), 1u);
  EXPECT_EQ(coroutines::items(coroutines::skynet, {1'000}), 1'111u);
  EXPECT_EQ(coroutines::items(coroutines::round_robin, {10, 1'000}), 10'000u);
}

TEST(CoroutinesReference, RoundRobinChecksumDependsOnTheOrder) {
  // Two tasks, two yields each: values task*2+step in the order 0, 2, 1, 3.
  std::uint64_t hash = coroutines::kRoundRobinSeed;
  for (const std::uint64_t value : {0u, 2u, 1u, 3u}) hash = coroutines::round_robin_fold(hash, value);
  EXPECT_EQ(coroutines::round_robin_checksum(2, 2), hash);
  std::uint64_t task_by_task = coroutines::kRoundRobinSeed;
  for (const std::uint64_t value : {0u, 1u, 2u, 3u}) task_by_task = coroutines::round_robin_fold(task_by_task, value);
  EXPECT_NE(coroutines::round_robin_checksum(2, 2), task_by_task) << "running each task to the end must not pass";
}

TEST(CoroutinesImplementations, AllFiveAreRegisteredOnce) {
  std::set<std::string> names;
  for (const auto* implementation : coroutines::implementations()) names.insert(implementation->name);
  EXPECT_EQ(names.size(), coroutines::implementations().size());
  for (const char* expected : {"boost_fiber", "ucontext", "cxx20_coroutine", "state_machine", "thread_handoff"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
}

TEST(CoroutinesImplementations, EveryOneImplementsEveryWorkload) {
  for (const auto* implementation : coroutines::implementations()) {
    for (const coroutines::Workload* workload : coroutines::all_workloads) {
      EXPECT_NE(coroutines::run_of(*implementation, *workload), nullptr)
          << implementation->name << " " << workload->name();
      EXPECT_FALSE(coroutines::variants_of(*implementation, *workload).empty())
          << implementation->name << " " << workload->name();
    }
  }
}

class ChecksumsOf : public ::testing::TestWithParam<Subject> {};

TEST_P(ChecksumsOf, MatchesTheReferenceChecksums) {
  const Subject& subject = GetParam();
  for (const coroutines::Workload* workload : coroutines::all_workloads) {
    if (!coroutines::testing::runs(subject, *workload)) continue;
    const coroutines::Run run = coroutines::run_of(*subject.implementation, *workload);
    for (const coroutines::Size size : coroutines::testing::small_sizes(*workload)) {
      EXPECT_EQ(run(size, subject.variant), coroutines::checksum(*workload, size))
          << coroutines::testing::size_text(*workload, size);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Coroutines, ChecksumsOf, ::testing::ValuesIn(coroutines::testing::subjects()),
                         [](const auto& info) { return info.param.name(); });

}  // namespace
