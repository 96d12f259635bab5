// The shared_counter round every implementation shares: W workers, started once (threads, or
// forked processes), wait on a round word; one operation bumps the round, wakes them, and waits
// until each has added 1 to the counter `increments` times. The control words and the counter
// live in one MAP_SHARED mapping for both kinds, so the only difference is the counter itself
// (mutex.cpp, atomic.cpp) and whether the workers are threads or processes.
//
//   Counter(WorkerKind kind)     constructed in the shared mapping
//   void increment();            std::uint64_t value();   (value() is read only between rounds,
//                                                          when every worker is waiting)
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/workers.h"

namespace parallelism {

template <class Counter>
class CounterRounds final : public Session {
 public:
  CounterRounds(WorkerKind kind, int workers, std::uint64_t increments)
      : kind_(kind), workers_(workers), increments_(increments), block_(kind) {
    resident_kind_ = kind;
    for (int i = 0; i < workers; ++i) {
      if (kind == WorkerKind::thread) {
        threads_.emplace_back([this] {
          const pid_t tid = current_tid();
          {
            std::lock_guard lock(tids_mutex_);
            resident_.push_back({::getpid(), tid});
          }
          started_.fetch_add(1);
          started_.notify_one();
          work();
        });
      } else {
        const pid_t pid = fork_worker([this] {
          work();
          return 0;
        });
        children_.add(pid);
        resident_.push_back({pid, pid});
      }
    }
    if (kind == WorkerKind::thread) {
      for (int seen; (seen = started_.load()) < workers;) started_.wait(seen);
    } else {
      // The flag stays set (run() checks it before every wait); the store to `done` wakes a wait
      // already begun.
      children_.watch([this] {
        block_->gone.store(1, std::memory_order_release);
        block_->done.store(kGone, std::memory_order_release);
        futex_wake(block_->done, 1, true);
      });
    }
  }
  ~CounterRounds() override { stop(); }

  std::uint64_t run() override {
    if (failed()) return 0;
    Block& block = *block_;
    const std::uint64_t before = block.counter.value();
    block.done.store(0, std::memory_order_relaxed);
    block.round.fetch_add(1, std::memory_order_release);
    futex_wake(block.round, workers_, shared());
    for (std::uint32_t done;
         (done = block.done.load(std::memory_order_acquire)) != static_cast<std::uint32_t>(workers_);) {
      if (block.gone.load(std::memory_order_acquire) != 0) [[unlikely]] {
        fail(children_.explain("counter worker process"));
        return 0;
      }
      futex_wait(block.done, done, shared());
    }
    return block.counter.value() - before;
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    children_.disarm();
    block_->stop.store(1, std::memory_order_relaxed);
    block_->round.fetch_add(1, std::memory_order_release);
    futex_wake(block_->round, workers_, shared());
    for (auto& thread : threads_) thread.join();
    if (!failed()) fail(children_.reap_all("counter worker process"));
  }

 private:
  static constexpr std::uint32_t kGone = 0x7FFF'FFFF;

  struct Block {
    explicit Block(WorkerKind kind) : counter(kind) {}
    alignas(64) std::atomic<std::uint32_t> round{0};
    std::atomic<std::uint32_t> stop{0};
    alignas(64) std::atomic<std::uint32_t> done{0};
    std::atomic<std::uint32_t> gone{0};  // set by the watchdog: a worker died
    alignas(64) Counter counter;
  };

  bool shared() const { return kind_ == WorkerKind::process; }

  // A worker's life: wait for a round, add, report, until told to stop.
  void work() {
    Block& block = *block_;
    std::uint32_t seen = 0;
    for (;;) {
      std::uint32_t round;
      while ((round = block.round.load(std::memory_order_acquire)) == seen) futex_wait(block.round, seen, shared());
      if (block.stop.load(std::memory_order_relaxed) != 0) return;
      seen = round;
      for (std::uint64_t i = 0; i < increments_; ++i) block.counter.increment();
      if (block.done.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<std::uint32_t>(workers_)) {
        futex_wake(block.done, 1, shared());
      }
    }
  }

  WorkerKind kind_;
  int workers_;
  std::uint64_t increments_;
  Shared<Block> block_;
  std::mutex tids_mutex_;
  std::atomic<int> started_{0};
  std::vector<std::thread> threads_;
  Children children_;
  bool stopped_ = false;
};

template <class Counter>
std::unique_ptr<Session> start_counter_rounds(WorkerKind kind, int workers, std::uint64_t increments) {
  return std::make_unique<CounterRounds<Counter>>(kind, workers, increments);
}

}  // namespace parallelism
