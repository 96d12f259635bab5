// The reference ceiling: every coroutine is an OS thread, and resume/yield hand control over
// through a futex (the resumer wakes the coroutine's thread and sleeps until it yields back).
// Each handoff is a system call pair and a scheduler switch: at least one voluntary context
// switch per handoff, the cost coroutines exist to avoid. Threads have default (8 MiB, lazily
// touched) stacks; bytes_per_unit is the resident growth, which does not include the kernel's
// own memory per thread (its kernel stack and task structures).
//
// Placement is the `cpus:` parameter: `same` pins both sides to one CPU (a handoff is a direct
// switch on that CPU), `cross` pins the coroutine's thread to a second CPU (a handoff is a
// cross-CPU wake-up). The CPUs used are reported as counters cpu_resumer and cpu_coroutine.
// Only sizes that finish quickly run: the others are skipped with the estimate.
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>

#include "coroutines/implementation.h"
#include "coroutines/resume_yield.h"
#include "coroutines/workloads.h"

namespace {

using coroutines::Size;
using coroutines::Workload;
using coroutines::WorkloadId;

enum Placement : int { same, cross };

// The first two CPUs this process may run on (-1 when there is no second).
struct Cpus {
  int first = 0;
  int second = -1;
};
const Cpus& cpus() {
  static const Cpus chosen = [] {
    Cpus found;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return found;
    int seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && seen < 2; ++cpu) {
      if (!CPU_ISSET(cpu, &set)) continue;
      (seen++ == 0 ? found.first : found.second) = cpu;
    }
    return found;
  }();
  return chosen;
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// Pins the calling thread (the resumer) to the first CPU for one operation, then restores it.
class PinnedResumer {
 public:
  PinnedResumer() {
    CPU_ZERO(&saved_);
    restore_ = pthread_getaffinity_np(pthread_self(), sizeof(saved_), &saved_) == 0;
    pin_to(cpus().first);
  }
  ~PinnedResumer() {
    if (restore_) pthread_setaffinity_np(pthread_self(), sizeof(saved_), &saved_);
  }
  PinnedResumer(const PinnedResumer&) = delete;
  PinnedResumer& operator=(const PinnedResumer&) = delete;

 private:
  cpu_set_t saved_;
  bool restore_ = false;
};

// One side waits until the other posts. A futex word: 1 = posted.
class Baton {
 public:
  void post() {
    word_.store(1, std::memory_order_release);
    futex(FUTEX_WAKE_PRIVATE, 1);
  }
  void wait() {
    while (word_.exchange(0, std::memory_order_acquire) == 0) futex(FUTEX_WAIT_PRIVATE, 0);
  }

 private:
  void futex(int op, std::uint32_t value) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), op, value, nullptr, nullptr, 0);
  }
  std::atomic<std::uint32_t> word_{0};
};

// Thrown out of yield() when a suspended coroutine's handle is destroyed (only on an error
// path: every workload finishes its coroutines), so its thread can unwind and be joined.
struct Cancelled {};

template <class Body>
class ThreadCoroutine {
 public:
  ThreadCoroutine(Body body, int cpu) : body_(std::move(body)), thread_([this, cpu] { run(cpu); }) {}
  ~ThreadCoroutine() {
    if (!done_) {
      cancelled_ = true;
      turn_.post();
    }
    thread_.join();
  }
  ThreadCoroutine(const ThreadCoroutine&) = delete;
  ThreadCoroutine& operator=(const ThreadCoroutine&) = delete;

  void resume() {
    turn_.post();
    back_.wait();
  }
  void yield() {
    back_.post();
    turn_.wait();
    if (cancelled_) throw Cancelled{};
  }
  bool done() const { return done_; }

 private:
  void run(int cpu) {
    pin_to(cpu);
    turn_.wait();
    if (!cancelled_) {
      try {
        body_(*this);
      } catch (const Cancelled&) {
      }
    }
    done_ = true;
    back_.post();
  }

  Body body_;
  Baton turn_;              // the coroutine may run
  Baton back_;              // the resumer may run
  bool done_ = false;       // written by the coroutine's thread before it posts back_
  bool cancelled_ = false;  // written by the resumer before it posts turn_
  std::thread thread_;      // last: starts once everything above exists
};

// A movable handle: the thread's object must stay put.
template <class Body>
class ThreadHandle {
 public:
  ThreadHandle() = default;
  ThreadHandle(Body body, int cpu) : coroutine_(std::make_unique<ThreadCoroutine<Body>>(std::move(body), cpu)) {}
  void resume() { coroutine_->resume(); }
  bool done() const { return coroutine_->done(); }

 private:
  std::unique_ptr<ThreadCoroutine<Body>> coroutine_;
};

template <class Work>
std::uint64_t placed(int variant, const Work& work) {
  const PinnedResumer pinned;
  const int cpu = variant == cross ? cpus().second : cpus().first;
  return work([cpu](auto body) { return ThreadHandle<decltype(body)>(std::move(body), cpu); });
}

namespace workloads = coroutines::resume_yield;

template <WorkloadId id>
std::uint64_t run(Size size, int variant) {
  return placed(variant, [&](const auto& make) { return workloads::run<id>(size, make); });
}

// Cross-CPU placement where the handoff itself is measured; elsewhere one CPU.
std::vector<int> variants_for(const Workload& workload) {
  if (workload.id == WorkloadId::switch_round_trip || workload.id == WorkloadId::send_receive) return {same, cross};
  return {same};
}

// Upper estimates for the limits below (where they were measured: docs/notes/coroutines.md).
constexpr double kRoundTripSeconds[] = {4e-6, 40e-6};  // a resume and a yield: same CPU, cross-CPU
constexpr double kThreadSeconds = 30e-6;               // create, start and join a thread, one at a time
constexpr double kAliveThreadSeconds = 70e-6;          // the same with a thousand others parked (more beyond)
constexpr double kThreadResidentBytes = 16 * 1024;     // touched stack pages and TLS of a parked thread

std::string quick(Size size, const char* param, double seconds, const std::string& why) {
  return coroutines::time_limit(size, param, seconds, why, coroutines::kReferenceBudgetSeconds);
}

std::string limit(const Workload& workload, Size size, int variant) {
  const char* const param = workload.param;
  if (variant == cross && cpus().second < 0) return "cpus:cross needs two CPUs; this process may use one";
  const double round_trip = kRoundTripSeconds[variant];
  const auto n = static_cast<double>(size.n);
  switch (workload.id) {
    case WorkloadId::switch_round_trip:
    case WorkloadId::send_receive:
      return quick(size, param, n * round_trip, "one thread handoff each way per round trip");
    case WorkloadId::create_destroy:
      return quick(size, param, n * (kThreadSeconds + 2 * round_trip),
                   "a thread created, handed to twice and joined per coroutine");
    case WorkloadId::alive_many: {
      const std::uint64_t threads_max = coroutines::threads_max();
      if (threads_max != 0 && size.n >= threads_max) {
        return std::string(param) + "=" + std::to_string(size.n) + ": " + std::to_string(size.n) +
               " threads >= kernel.threads-max " + std::to_string(threads_max);
      }
      if (auto why = coroutines::mapping_limit(size, param, 2 * size.n, "2 per thread: its stack and guard page");
          !why.empty()) {
        return why;
      }
      if (auto why = coroutines::memory_limit(size, param, n * kThreadResidentBytes, "touched stack pages per thread");
          !why.empty()) {
        return why;
      }
      return quick(size, param, n * (kAliveThreadSeconds + 2 * round_trip),
                   "a thread created while the others stay parked, handed to twice, joined");
    }
    case WorkloadId::round_robin:
      return quick(size, param, n * kAliveThreadSeconds + n * static_cast<double>(size.m + 1) * round_trip,
                   "a thread per task, one handoff pair per yield");
    case WorkloadId::skynet: {
      const std::uint64_t nodes = coroutines::skynet_nodes(size.n);
      return quick(size, param, static_cast<double>(nodes) * (kThreadSeconds + round_trip),
                   std::to_string(nodes) + " threads, one per node");
    }
  }
  return {};
}

void annotate(benchmark::State& state, int variant) {
  state.counters["cpu_resumer"] = cpus().first;
  state.counters["cpu_coroutine"] = variant == cross ? cpus().second : cpus().first;
}

YB_REGISTER_IMPLEMENTATION({
    .name = "thread_handoff",
    .description = "reference ceiling: each coroutine is an OS thread, resume/yield hand over through a futex "
                   "(cpus: same = both pinned to one CPU, cross = two CPUs); bytes_per_unit from rss_peak_bytes "
                   "(thread stacks are mmap'ed; kernel memory per thread not included)",
    .functions = {yb::implements(coroutines::switch_round_trip, run<WorkloadId::switch_round_trip>),
                  yb::implements(coroutines::create_destroy, run<WorkloadId::create_destroy>),
                  yb::implements(coroutines::send_receive, run<WorkloadId::send_receive>),
                  yb::implements(coroutines::alive_many, run<WorkloadId::alive_many>),
                  yb::implements(coroutines::round_robin, run<WorkloadId::round_robin>),
                  yb::implements(coroutines::skynet, run<WorkloadId::skynet>)},
    .variants = coroutines::variants("cpus", {"same", "cross"}),
    .variant_applies = coroutines::variant_applies(variants_for),
    .unavailable = coroutines::unavailable(limit),
    .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::rss, .annotate = annotate},
});

}  // namespace
