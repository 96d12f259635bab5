// What an implementation of the parallelism matchup provides: for each workload it takes part in,
// a function that starts a Session — the workers one benchmark (or one test) uses. Its file
// registers one yb::Implementation naming those functions (workloads.h declares the workloads);
// where a file holds a thread and a process variant, they are its variants (worker:thread|process)
// and the functions take the WorkerKind.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parallelism/workers.h"
#include "parallelism/workloads.h"
#include "registration.h"

namespace parallelism {

// Workers started for one benchmark. run() is one operation and returns the value the
// workload's checksum expects. When a worker fails (a child crashed, hung or answered wrongly)
// run() records why in failure() and returns 0, and every later call returns 0 at once.
// stop() ends, joins and reaps every worker (recording an abnormal end as a failure); it is
// idempotent, and every derived destructor calls it.
class Session {
 public:
  virtual ~Session() = default;
  virtual std::uint64_t run() = 0;
  virtual void stop() {}

  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }

  // Workers that live across operations (pool workers, peers, counter workers). They were started
  // before the harness opened its counters, so their switches are added by registration.cpp.
  const std::vector<TaskId>& resident_workers() const { return resident_; }
  WorkerKind resident_kind() const { return resident_kind_; }

 protected:
  // Records the first failure; an empty `why` (as reap_all returns when all went well) is none.
  void fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
  }
  std::vector<TaskId> resident_;
  WorkerKind resident_kind_ = WorkerKind::thread;

 private:
  std::string failure_;
};

// --- spawn_join -------------------------------------------------------------------------------
using SpawnJoinStart = std::unique_ptr<Session> (*)();

// --- ping_pong --------------------------------------------------------------------------------
// Where each side ran over a sample of round trips (the most frequent CPU of each side, and the
// share of round trips in which the two were on different CPUs).
struct CpuSample {
  int self_cpu = -1;
  int peer_cpu = -1;
  double cross_cpu_share = 0;
  int round_trips = 0;
};

class PingPongSession : public Session {
 public:
  // `round_trips` untimed round trips in which the peer reports the CPU it runs on.
  virtual std::optional<CpuSample> sample_cpus(int round_trips) = 0;
};

// The peer is pinned to `peer_cpu` when given; the caller pins its own thread.
using PingPongStart = std::unique_ptr<PingPongSession> (*)(WorkerKind kind, std::optional<int> peer_cpu);

// --- cpu_sum ----------------------------------------------------------------------------------
// One operation sums every entry of `list` (at most kMaxListLength) with `workers` workers and
// returns cpu_sum_checksum(list).
using CpuSumStart = std::unique_ptr<Session> (*)(int workers, std::span<const std::uint64_t> list);

// --- shared_counter ---------------------------------------------------------------------------
using SharedCounterStart = std::unique_ptr<Session> (*)(WorkerKind kind, int workers, std::uint64_t increments);

// --- memory_per_worker ------------------------------------------------------------------------
// W workers that start, report idle and wait to be stopped. run() = hold() then release().
class IdleWorkers : public Session {
 public:
  explicit IdleWorkers(int workers) : workers_(workers) {}
  std::uint64_t run() final {
    if (failed()) return 0;
    const std::uint64_t idle = hold();
    release();
    return failed() ? 0 : idle;
  }
  // Starts the workers; returns once each has reported idle, with how many did.
  virtual std::uint64_t hold() = 0;
  // Stops and joins or reaps them.
  virtual void release() = 0;
  // While held, what the workers occupy: processes by PID (read through /proc), threads by the
  // resident bytes of their stacks, where a thread's TLS and descriptor live too.
  virtual std::vector<pid_t> processes() const { return {}; }
  virtual std::int64_t thread_stack_resident_bytes() const { return 0; }
  int workers() const { return workers_; }

 private:
  int workers_;
};

// The kind of worker is in no benchmark name, but says how their memory is read.
struct MemoryPerWorkerStart {
  WorkerKind kind;
  std::unique_ptr<IdleWorkers> (*start)(int workers);
};

// --- Registration -----------------------------------------------------------------------------
// The workloads (registration.cpp: their parameters and bodies).
extern const yb::Workload<SpawnJoinStart> spawn_join;
extern const yb::Workload<PingPongStart> ping_pong;
extern const yb::Workload<CpuSumStart> cpu_sum;
extern const yb::Workload<SharedCounterStart> shared_counter;
extern const yb::Workload<MemoryPerWorkerStart> memory_per_worker;

// The variants worker:<kind>, for implementations of ping_pong or shared_counter.
std::vector<std::vector<yb::Param>> worker_variants(std::initializer_list<WorkerKind> kinds);

// For the tests: every registered implementation of one workload, one entry per worker kind.
struct PingPongImplementation {
  std::string name;
  WorkerKind kind;
  std::function<std::unique_ptr<PingPongSession>(std::optional<int> peer_cpu)> start;
};
struct SharedCounterImplementation {
  std::string name;
  WorkerKind kind;
  std::function<std::unique_ptr<Session>(int workers, std::uint64_t increments)> start;
};
struct MemoryPerWorkerImplementation {
  std::string name;
  WorkerKind kind;
  std::unique_ptr<IdleWorkers> (*start)(int workers);
};
template <class Function>
struct Implementing {
  std::string name;
  Function start;
};
std::vector<Implementing<SpawnJoinStart>> spawn_join_implementations();
std::vector<PingPongImplementation> ping_pong_implementations();
std::vector<Implementing<CpuSumStart>> cpu_sum_implementations();
std::vector<SharedCounterImplementation> shared_counter_implementations();
std::vector<MemoryPerWorkerImplementation> memory_per_worker_implementations();

}  // namespace parallelism
