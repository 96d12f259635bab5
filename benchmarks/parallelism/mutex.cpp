// mutex: every increment takes a lock. Threads: std::mutex. Processes: a pthread mutex with
// PTHREAD_PROCESS_SHARED in the shared mapping. One file for both worker kinds:
// parallelism/shared_counter/mutex/worker:thread|process/...
#include <pthread.h>

#include <cstdint>
#include <mutex>

#include "parallelism/counter_rounds.h"
#include "parallelism/implementation.h"

namespace parallelism {
namespace {

class ThreadMutexCounter {
 public:
  explicit ThreadMutexCounter(WorkerKind) {}
  void increment() {
    std::lock_guard lock(mutex_);
    ++value_;
  }
  // Read only between rounds, when no worker runs (see counter_rounds.h): no lock, so a worker
  // that died holding it cannot block the reader.
  std::uint64_t value() const { return value_; }

 private:
  std::mutex mutex_;
  std::uint64_t value_ = 0;
};

class ProcessSharedMutexCounter {
 public:
  explicit ProcessSharedMutexCounter(WorkerKind) {
    pthread_mutexattr_t attributes;
    ::pthread_mutexattr_init(&attributes);
    ::pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    ::pthread_mutex_init(&mutex_, &attributes);
    ::pthread_mutexattr_destroy(&attributes);
  }
  ~ProcessSharedMutexCounter() { ::pthread_mutex_destroy(&mutex_); }
  ProcessSharedMutexCounter(const ProcessSharedMutexCounter&) = delete;
  ProcessSharedMutexCounter& operator=(const ProcessSharedMutexCounter&) = delete;

  void increment() {
    ::pthread_mutex_lock(&mutex_);
    ++value_;
    ::pthread_mutex_unlock(&mutex_);
  }
  std::uint64_t value() const { return value_; }

 private:
  pthread_mutex_t mutex_;
  std::uint64_t value_ = 0;
};

YB_REGISTER_IMPLEMENTATION({
    .name = "mutex",
    .description = "lock, add 1, unlock: std::mutex (threads) or a PTHREAD_PROCESS_SHARED mutex in shared memory",
    .functions = {yb::implements(shared_counter,
                                 [](WorkerKind kind, int workers, std::uint64_t increments) {
                                   return kind == WorkerKind::thread
                                              ? start_counter_rounds<ThreadMutexCounter>(kind, workers, increments)
                                              : start_counter_rounds<ProcessSharedMutexCounter>(kind, workers,
                                                                                                increments);
                                 })},
    .variants = worker_variants({WorkerKind::thread, WorkerKind::process}),
});

}  // namespace
}  // namespace parallelism
