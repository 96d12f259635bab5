// The leak audit around every registered benchmark: a call that leaves an fd, a child process or a
// thread behind ends with an error naming it; a call that cleans up (joined threads included,
// however late they leave /proc) does not.
#include "leak_audit.h"
#include "registry.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

class CapturingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    this->runs.insert(this->runs.end(), runs.begin(), runs.end());
  }
  std::vector<Run> runs;
};

// What the leaking benchmarks left, for the tests to clean up after checking the report.
struct Leftovers {
  std::vector<int> fds;
  std::vector<pid_t> children;
  std::atomic<bool> release_threads{false};
  std::vector<std::thread> threads;
};
Leftovers& leftovers() {
  static Leftovers all;
  return all;
}

void run_once(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
}

const bool registered = [] {
  yb::register_benchmark({"audit", "leaks", "fd", {}}, [](benchmark::State& state) {
    run_once(state);
    leftovers().fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  });
  yb::register_benchmark({"audit", "leaks", "child", {}}, [](benchmark::State& state) {
    run_once(state);
    const pid_t child = ::fork();
    if (child == 0) {
      ::pause();
      ::_exit(0);
    }
    leftovers().children.push_back(child);
  });
  yb::register_benchmark({"audit", "leaks", "thread", {}}, [](benchmark::State& state) {
    run_once(state);
    leftovers().threads.emplace_back([] {
      while (!leftovers().release_threads.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
  });
  yb::register_benchmark({"audit", "cleans_up", "joined_threads_and_closed_fds", {}}, [](benchmark::State& state) {
    run_once(state);
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; ++i) workers.emplace_back([] {});
    for (auto& worker : workers) worker.join();
    ::close(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
  });
  yb::register_all_with_google_benchmark();
  return true;
}();

// The first report of the benchmark called `name` (Google Benchmark appends "/real_time").
benchmark::BenchmarkReporter::Run run_only(const std::string& name) {
  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "(/real_time)?$");
  if (reporter.runs.empty()) {
    ADD_FAILURE() << "no benchmark ran for " << name;
    return {};
  }
  return reporter.runs.front();
}

TEST(LeakAudit, ALeakedDescriptorIsAnErrorNamingIt) {
  ASSERT_TRUE(registered);
  const auto run = run_only("audit/leaks/fd");
  EXPECT_TRUE(run.error_occurred);
  EXPECT_NE(run.error_message.find("leaked 1 fd"), std::string::npos) << run.error_message;
  EXPECT_NE(run.error_message.find("/dev/null"), std::string::npos) << run.error_message;
  for (const int fd : leftovers().fds) ::close(fd);
  leftovers().fds.clear();
}

TEST(LeakAudit, AChildLeftRunningIsAnErrorNamingItsPid) {
  const auto run = run_only("audit/leaks/child");
  ASSERT_FALSE(leftovers().children.empty());
  EXPECT_TRUE(run.error_occurred);
  EXPECT_NE(run.error_message.find("child process"), std::string::npos) << run.error_message;
  EXPECT_NE(run.error_message.find("pid " + std::to_string(leftovers().children.front())), std::string::npos)
      << run.error_message;
  for (const pid_t child : leftovers().children) {
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
  }
  leftovers().children.clear();
}

TEST(LeakAudit, AThreadLeftRunningIsAnError) {
  const auto run = run_only("audit/leaks/thread");
  EXPECT_TRUE(run.error_occurred);
  EXPECT_NE(run.error_message.find("thread"), std::string::npos) << run.error_message;
  leftovers().release_threads = true;
  for (auto& thread : leftovers().threads) thread.join();
  leftovers().threads.clear();
}

TEST(LeakAudit, JoinedThreadsClosedDescriptorsAndReapedChildrenAreNotLeaks) {
  const auto run = run_only("audit/cleans_up/joined_threads_and_closed_fds");
  EXPECT_FALSE(run.error_occurred) << run.error_message;
}

TEST(LeakAudit, LeftoversNameOnlyWhatIsNew) {
  const auto before = yb::leak_audit::Census::take();
  EXPECT_EQ(yb::leak_audit::leftovers(before, yb::leak_audit::Census::take()), "");
  int pipe_ends[2];
  ASSERT_EQ(::pipe2(pipe_ends, O_CLOEXEC), 0);
  const std::string report = yb::leak_audit::leftovers(before, yb::leak_audit::Census::take());
  EXPECT_NE(report.find("2 fds"), std::string::npos) << report;
  EXPECT_NE(report.find("pipe:["), std::string::npos) << report;
  ::close(pipe_ends[0]);
  ::close(pipe_ends[1]);
  EXPECT_EQ(yb::leak_audit::settled_leftovers(before), "");
}

}  // namespace
