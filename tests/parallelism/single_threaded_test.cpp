// Sessions of process workers add no thread to the measuring process while they run: their
// watchdog is a process. A thread there would make glibc bracket every read/write with
// cancellation bookkeeping and the kernel take a reference at every fd use, which the
// same-CPU pipe ping-pong paid against `perf bench sched pipe`.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "census.h"
#include "parallelism/implementation.h"
#include "parallelism/workloads.h"

namespace parallelism {
namespace {

using testing::threads_settled;

// Runs `use` (which starts a session, runs it and checks the thread count inside) once the
// test's own thread is the only one left.
void expect_no_thread_while_running(const std::string& what, const std::function<void(int)>& use) {
  SCOPED_TRACE(what);
  const int thread_count = threads_settled(1);
  use(thread_count);
}

TEST(ParallelismSingleThreaded, ProcessPingPongAddsNoThread) {
  for (const auto& implementation : ping_pong_implementations()) {
    if (implementation.kind != WorkerKind::process) continue;
    expect_no_thread_while_running(implementation.name, [&](int thread_count) {
      const auto session = implementation.start(std::nullopt);
      EXPECT_EQ(session->run(), ping_pong_checksum());
      EXPECT_EQ(testing::threads(), thread_count) << "a thread runs beside the benchmark's";
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    });
  }
}

TEST(ParallelismSingleThreaded, ProcessCounterWorkersAddNoThread) {
  for (const auto& implementation : shared_counter_implementations()) {
    if (implementation.kind != WorkerKind::process) continue;
    expect_no_thread_while_running(implementation.name, [&](int thread_count) {
      const auto session = implementation.start(2, 1000);
      EXPECT_EQ(session->run(), shared_counter_checksum(2, 1000));
      EXPECT_EQ(testing::threads(), thread_count) << "a thread runs beside the benchmark's";
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    });
  }
}

TEST(ParallelismSingleThreaded, ProcessPoolAddsNoThread) {
  const std::uint64_t list[] = {1000, 2000, 3000};
  for (const auto& implementation : cpu_sum_implementations()) {
    if (std::string(implementation.name) != "process_pool") continue;
    expect_no_thread_while_running(implementation.name, [&](int thread_count) {
      const auto session = implementation.start(2, std::span<const std::uint64_t>(list));
      EXPECT_EQ(session->run(), cpu_sum_checksum(list));
      EXPECT_EQ(testing::threads(), thread_count) << "a thread runs beside the benchmark's";
      session->stop();
      EXPECT_FALSE(session->failed()) << session->failure();
    });
  }
}

}  // namespace
}  // namespace parallelism
