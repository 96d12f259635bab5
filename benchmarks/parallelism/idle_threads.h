// memory_per_worker for threads: W threads that record where their stack is, report idle and
// wait on an atomic until released. ThreadType is std::thread (std_thread.cpp) or a pthread with
// a small stack (pthread_small_stack.cpp): constructible from a callable, with join().
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/workers.h"

namespace parallelism {

template <class ThreadType>
class IdleThreads final : public IdleWorkers {
 public:
  explicit IdleThreads(int workers) : IdleWorkers(workers), stacks_(static_cast<std::size_t>(workers)) {}
  ~IdleThreads() override { stop(); }

  std::uint64_t hold() override {
    ready_.store(0);
    stop_.store(0);
    threads_.reserve(static_cast<std::size_t>(workers()));
    for (int i = 0; i < workers(); ++i) threads_.emplace_back([this, i] { idle(static_cast<std::size_t>(i)); });
    for (int seen; (seen = ready_.load()) < workers();) ready_.wait(seen);
    return static_cast<std::uint64_t>(ready_.load());
  }

  void release() override {
    stop_.store(1);
    stop_.notify_all();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  void stop() override { release(); }

  // The resident part of each stack block, which holds the thread's descriptor and TLS too.
  std::int64_t thread_stack_resident_bytes() const override {
    std::int64_t total = 0;
    for (const auto& stack : stacks_) total += stack.size == 0 ? 0 : resident_bytes(stack.low, stack.size);
    return total;
  }

 private:
  struct Stack {
    void* low = nullptr;
    std::size_t size = 0;
  };

  void idle(std::size_t index) {
    pthread_attr_t attributes;
    if (::pthread_getattr_np(::pthread_self(), &attributes) == 0) {
      ::pthread_attr_getstack(&attributes, &stacks_[index].low, &stacks_[index].size);
      ::pthread_attr_destroy(&attributes);
    }
    ready_.fetch_add(1);
    ready_.notify_one();
    while (stop_.load() == 0) stop_.wait(0);
  }

  std::vector<Stack> stacks_;
  std::atomic<int> ready_{0};
  std::atomic<int> stop_{0};
  std::vector<ThreadType> threads_;
};

}  // namespace parallelism
