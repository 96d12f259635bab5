// process_pool: W processes forked once (what ProcessPoolExecutor keeps), fed through one pipe
// that every worker reads fixed-size tasks from (each write of whole tasks is atomic, so each
// read takes exactly one), answering through one results pipe.
//   spawn_join/process_pool: a pool of one process; an operation submits a token task and waits.
//   cpu_sum/process_pool:    a pool of W processes; an operation submits every list entry and
//                            collects the results from the pipe.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/pool_task.h"

namespace parallelism {
namespace {

class PoolSession final : public Session {
 public:
  PoolSession(int workers, std::vector<PoolTask> tasks)
      : tasks_(std::move(tasks)), task_pipe_(make_pipe()), result_pipe_(make_pipe()) {
    resident_kind_ = WorkerKind::process;
    for (int i = 0; i < workers; ++i) {
      const pid_t pid = fork_worker([this] {
        task_pipe_.write.reset();
        result_pipe_.read.reset();
        serve();
        return 0;
      });
      children_.add(pid);
      resident_.push_back({pid, pid});
    }
    task_pipe_.read.reset();
    result_pipe_.write.reset();
    // A worker that dies takes the others with it (the watchdog kills them all): the results
    // pipe then reads end-of-file.
    children_.watch({});
  }
  ~PoolSession() override { stop(); }

  std::uint64_t run() override {
    if (failed()) return 0;
    bool ok = write_all(task_pipe_.write.get(), tasks_.data(), tasks_.size() * sizeof(PoolTask));
    for (std::size_t received = 0; ok && received < tasks_.size(); ++received) {
      PoolResult result;
      ok = read_all(result_pipe_.read.get(), &result, sizeof(result)) && result.index < tasks_.size();
      if (ok) results_[result.index] = result.value;
    }
    if (!ok) [[unlikely]] {
      fail(children_.explain("process-pool worker"));
      return 0;
    }
    if (tasks_.size() == 1 && tasks_[0].kind == PoolTask::token) return results_[0];
    return combine_results(std::span(results_).first(tasks_.size()));
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    children_.disarm();
    task_pipe_.write.reset();  // the workers read end-of-file and exit with status 0
    if (!failed()) fail(children_.reap_all("process-pool worker"));
  }

 private:
  // A worker's loop, in the child.
  void serve() {
    PoolTask task;
    while (read_all(task_pipe_.read.get(), &task, sizeof(task))) {
      const PoolResult result{task.index, execute(task)};
      if (!write_all(result_pipe_.write.get(), &result, sizeof(result))) return;
    }
  }

  std::vector<PoolTask> tasks_;
  std::array<std::uint64_t, kMaxListLength> results_{};
  Pipe task_pipe_;
  Pipe result_pipe_;
  Children children_;
  bool stopped_ = false;
};

constexpr const char* kDescription =
    "W processes forked once, fed through one task pipe, answering through one results pipe";

YB_REGISTER_IMPLEMENTATION({
    .name = "process_pool",
    .description = kDescription,
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> {
                                   return std::make_unique<PoolSession>(1, token_tasks());
                                 }),
                  yb::implements(cpu_sum,
                                 [](int workers, std::span<const std::uint64_t> list) -> std::unique_ptr<Session> {
                                   return std::make_unique<PoolSession>(workers, sum_tasks(list));
                                 })},
});

}  // namespace
}  // namespace parallelism
