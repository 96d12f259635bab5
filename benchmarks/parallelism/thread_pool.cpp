// thread_pool: W threads started once, fed through one mutex-protected task list with condition
// variables (what ThreadPoolExecutor does); results are written straight into the caller's array.
//   spawn_join/thread_pool: a pool of one thread; an operation submits a token task and waits.
//   cpu_sum/thread_pool:    a pool of W threads; an operation submits every list entry and waits.
#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/pool_task.h"

namespace parallelism {
namespace {

class ThreadPool {
 public:
  // Starts `workers` threads and returns once each runs, with its thread id added to `tids`.
  ThreadPool(int workers, std::vector<TaskId>& tids) {
    for (int i = 0; i < workers; ++i) {
      threads_.emplace_back([&tids, this] {
        {
          std::lock_guard lock(mutex_);
          tids.push_back({::getpid(), current_tid()});
        }
        started_.fetch_add(1);
        started_.notify_one();
        serve();
      });
    }
    for (int seen; (seen = started_.load()) < workers;) started_.wait(seen);
  }
  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs every task, each result into results[task.index]; returns when all are done.
  void run(std::span<const PoolTask> tasks, std::uint64_t* results) {
    {
      std::lock_guard lock(mutex_);
      tasks_ = tasks;
      results_ = results;
      next_ = 0;
      pending_ = tasks.size();
    }
    if (tasks.size() == 1) {
      work_ready_.notify_one();
    } else {
      work_ready_.notify_all();
    }
    std::unique_lock lock(mutex_);
    all_done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void serve() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_ready_.wait(lock, [this] { return stopping_ || next_ < tasks_.size(); });
      if (next_ >= tasks_.size()) return;  // stopping, nothing left
      const PoolTask task = tasks_[next_++];
      lock.unlock();
      const std::uint64_t value = execute(task);
      lock.lock();
      results_[task.index] = value;
      if (--pending_ == 0) all_done_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable all_done_;
  std::span<const PoolTask> tasks_;
  std::uint64_t* results_ = nullptr;
  std::size_t next_ = 0;
  std::size_t pending_ = 0;
  bool stopping_ = false;
  std::atomic<int> started_{0};
  std::vector<std::thread> threads_;
};

class PoolSession final : public Session {
 public:
  PoolSession(int workers, std::vector<PoolTask> tasks) : tasks_(std::move(tasks)), pool_(workers, resident_) {
    resident_kind_ = WorkerKind::thread;
  }
  ~PoolSession() override { stop(); }

  std::uint64_t run() override {
    pool_.run(tasks_, results_.data());
    if (tasks_.size() == 1 && tasks_[0].kind == PoolTask::token) return results_[0];
    return combine_results(std::span(results_).first(tasks_.size()));
  }

 private:
  std::vector<PoolTask> tasks_;
  std::array<std::uint64_t, kMaxListLength> results_{};
  ThreadPool pool_;
};

constexpr const char* kDescription = "W threads started once, fed through a mutex + condition-variable task list";

YB_REGISTER_IMPLEMENTATION({
    .name = "thread_pool",
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
