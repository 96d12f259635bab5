// Every implementation leaves nothing behind: no child process (running or unreaped), no
// thread, no open fd once its session is stopped and destroyed.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "census.h"
#include "parallelism/implementation.h"
#include "parallelism/workloads.h"

namespace parallelism {
namespace {

using testing::no_children;
using testing::open_fds;
using testing::threads_settled;

// Runs `use` on a freshly started session and checks the process is as before afterwards.
void expect_clean(const std::string& what, const std::function<void()>& use) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(no_children()) << "a child was left before this test";
  const int fds = open_fds();
  const int thread_count = threads_settled(1);  // the test's own thread, once earlier ones have gone
  use();
  EXPECT_TRUE(no_children()) << "a child outlived its session";
  EXPECT_EQ(open_fds(), fds) << "an fd outlived its session";
  EXPECT_EQ(threads_settled(thread_count), thread_count) << "a thread outlived its session";
}

TEST(ParallelismCleanup, SpawnJoinLeavesNothing) {
  for (const auto& implementation : spawn_join_implementations()) {
    expect_clean(implementation.name, [&] {
      const auto session = implementation.start();
      for (int i = 0; i < 3; ++i) session->run();
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    });
  }
}

TEST(ParallelismCleanup, PingPongLeavesNothing) {
  for (const auto& implementation : ping_pong_implementations()) {
    expect_clean(std::string(implementation.name) + "/" + to_string(implementation.kind), [&] {
      auto session = implementation.start(std::nullopt);
      if (implementation.kind == WorkerKind::process) {
        EXPECT_FALSE(no_children()) << "the peer is a child";
      }
      for (int i = 0; i < 10; ++i) session->run();
      session.reset();  // the destructor alone must stop the peer
    });
  }
}

TEST(ParallelismCleanup, CpuSumLeavesNothing) {
  const std::uint64_t list[] = {1000, 2000, 3000};
  for (const auto& implementation : cpu_sum_implementations()) {
    expect_clean(implementation.name, [&] {
      const auto session = implementation.start(2, std::span<const std::uint64_t>(list));
      for (int i = 0; i < 3; ++i) session->run();
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    });
  }
}

TEST(ParallelismCleanup, SharedCounterLeavesNothing) {
  for (const auto& implementation : shared_counter_implementations()) {
    expect_clean(std::string(implementation.name) + "/" + to_string(implementation.kind), [&] {
      auto session = implementation.start(2, 1000);
      session->run();
      session.reset();
    });
  }
}

TEST(ParallelismCleanup, MemoryPerWorkerLeavesNothing) {
  for (const auto& implementation : memory_per_worker_implementations()) {
    expect_clean(implementation.name, [&] {
      auto session = implementation.start(8);
      session->run();
      ASSERT_EQ(session->hold(), 8u);
      session.reset();  // destroyed while the workers are held: they must still go
    });
  }
}

}  // namespace
}  // namespace parallelism
