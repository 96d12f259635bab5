// Pinned ping-pong really runs where it is asked to (sched_getcpu on each side), and a same-CPU
// round trip costs at least one context switch. No timing assertions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/workers.h"
#include "parallelism/workloads.h"
#include "system_counters.h"

namespace parallelism {
namespace {

std::string describe(const PingPongImplementation& implementation) {
  return std::string(implementation.name) + "/" + to_string(implementation.kind);
}

TEST(ParallelismPlacement, SameCpuRunsBothSidesOnThatCpu) {
  const int cpu = allowed_cpus().at(0);
  for (const auto& implementation : ping_pong_implementations()) {
    SCOPED_TRACE(describe(implementation));
    const PinCallingThread pin(cpu);
    const auto session = implementation.start(cpu);
    const auto sample = session->sample_cpus(200);
    ASSERT_TRUE(sample.has_value()) << session->failure();
    EXPECT_EQ(sample->self_cpu, cpu);
    EXPECT_EQ(sample->peer_cpu, cpu);
    EXPECT_EQ(sample->cross_cpu_share, 0.0);
  }
}

TEST(ParallelismPlacement, CrossCpuRunsTheSidesOnTwoCpus) {
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) GTEST_SKIP() << "needs 2 CPUs";
  for (const auto& implementation : ping_pong_implementations()) {
    SCOPED_TRACE(describe(implementation));
    const PinCallingThread pin(cpus[0]);
    const auto session = implementation.start(cpus[1]);
    const auto sample = session->sample_cpus(200);
    ASSERT_TRUE(sample.has_value()) << session->failure();
    EXPECT_EQ(sample->self_cpu, cpus[0]);
    EXPECT_EQ(sample->peer_cpu, cpus[1]);
    EXPECT_EQ(sample->cross_cpu_share, 1.0);
  }
}

TEST(ParallelismPlacement, PinningIsUndoneAfterwards) {
  const std::vector<int> before = allowed_cpus();
  {
    const PinCallingThread pin(before.at(0));
    EXPECT_EQ(allowed_cpus(), std::vector<int>{before[0]});
  }
  EXPECT_EQ(allowed_cpus(), before);
}

// On one CPU the benchmark thread cannot go on until the peer has run: each round trip switches
// it out at least once (blocking or preempted by the woken peer).
TEST(ParallelismPlacement, SameCpuRoundTripSwitchesAtLeastOnce) {
  constexpr int kRoundTrips = 2000;
  const int cpu = allowed_cpus().at(0);
  for (const auto& implementation : ping_pong_implementations()) {
    SCOPED_TRACE(describe(implementation));
    const PinCallingThread pin(cpu);
    const auto session = implementation.start(cpu);
    session->run();
    yb::SystemCounters counters;
    for (int i = 0; i < kRoundTrips; ++i) ASSERT_EQ(session->run(), ping_pong_checksum());
    const yb::SystemUsage usage = counters.elapsed();
    session->stop();
    EXPECT_GE(usage.ctx_voluntary + usage.ctx_involuntary, kRoundTrips);
    if (usage.ctx_switches) {
      EXPECT_GE(*usage.ctx_switches, kRoundTrips);
    }
  }
}

}  // namespace
}  // namespace parallelism
