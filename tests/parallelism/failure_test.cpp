// A child that dies (here: ends by a signal it does not handle) becomes a failure naming its PID
// and signal — never a hang — and is reaped like every other child. SIGTERM rather than SIGSEGV:
// sanitizers catch SIGSEGV in the child and turn it into an exit status.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <thread>

#include "census.h"
#include "parallelism/implementation.h"
#include "parallelism/workloads.h"

namespace parallelism {
namespace {

// Kills `pid` with kSignal and waits until it is dead, without reaping it: that stays the session's job.
constexpr int kSignal = SIGTERM;

void crash(pid_t pid) {
  ASSERT_EQ(::kill(pid, kSignal), 0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
}

// Runs operations until one fails (a dead worker's siblings may finish a few first).
void expect_failure_naming(Session& session, pid_t pid) {
  for (int attempt = 0; attempt < 200 && !session.failed(); ++attempt) {
    session.run();
    if (!session.failed()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(session.failed()) << "the crashed worker went unnoticed";
  EXPECT_NE(session.failure().find("pid " + std::to_string(pid)), std::string::npos) << session.failure();
  EXPECT_NE(session.failure().find("signal " + std::to_string(kSignal)), std::string::npos) << session.failure();
  EXPECT_EQ(session.run(), 0u) << "a failed session answers at once";
}

TEST(ParallelismFailure, CrashedPingPongPeerIsAnErrorNotAHang) {
  for (const auto& implementation : ping_pong_implementations()) {
    if (implementation.kind != WorkerKind::process) continue;
    SCOPED_TRACE(implementation.name);
    {
      const auto session = implementation.start(std::nullopt);
      ASSERT_EQ(session->run(), ping_pong_checksum());
      const pid_t peer = session->resident_workers().at(0).pid;
      crash(peer);
      expect_failure_naming(*session, peer);
    }
    EXPECT_TRUE(testing::no_children());
  }
}

TEST(ParallelismFailure, CrashedPoolWorkerIsAnError) {
  const std::uint64_t list[] = {1000, 2000, 3000, 4000};
  for (const auto& implementation : cpu_sum_implementations()) {
    if (std::string(implementation.name) != "process_pool") continue;
    {
      const auto session = implementation.start(2, std::span<const std::uint64_t>(list));
      ASSERT_EQ(session->run(), cpu_sum_checksum(list));
      const pid_t worker = session->resident_workers().at(0).pid;
      crash(worker);
      expect_failure_naming(*session, worker);
    }
    EXPECT_TRUE(testing::no_children());
  }
}

TEST(ParallelismFailure, CrashedCounterWorkerIsAnError) {
  for (const auto& implementation : shared_counter_implementations()) {
    if (implementation.kind != WorkerKind::process) continue;
    SCOPED_TRACE(implementation.name);
    {
      const auto session = implementation.start(2, 1000);
      ASSERT_EQ(session->run(), shared_counter_checksum(2, 1000));
      const pid_t worker = session->resident_workers().at(1).pid;
      crash(worker);
      expect_failure_naming(*session, worker);
    }
    EXPECT_TRUE(testing::no_children());
  }
}

}  // namespace
}  // namespace parallelism
