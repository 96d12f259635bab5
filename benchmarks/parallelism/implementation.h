// What an implementation of the parallelism matchup provides. Each workload has its own kind of
// entry: a name, a one-line description, the worker kind where a file holds both, and a function
// that starts a Session — the workers one benchmark (or one test) uses. An implementation's file
// registers one entry per workload it takes part in; registration turns each into benchmarks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parallelism/workers.h"
#include "parallelism/workloads.h"

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
struct SpawnJoinImplementation {
  const char* name;
  const char* description;
  std::unique_ptr<Session> (*start)();
};
bool register_spawn_join(const SpawnJoinImplementation& implementation);
const std::vector<SpawnJoinImplementation>& spawn_join_implementations();

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

struct PingPongImplementation {
  const char* name;
  const char* description;
  WorkerKind kind;
  // The peer is pinned to `peer_cpu` when given; the caller pins its own thread.
  std::unique_ptr<PingPongSession> (*start)(std::optional<int> peer_cpu);
};
bool register_ping_pong(const PingPongImplementation& implementation);
const std::vector<PingPongImplementation>& ping_pong_implementations();

// --- cpu_sum ----------------------------------------------------------------------------------
struct CpuSumImplementation {
  const char* name;
  const char* description;
  // One operation sums every entry of `list` (at most kMaxListLength) with `workers` workers and
  // returns cpu_sum_checksum(list).
  std::unique_ptr<Session> (*start)(int workers, std::span<const std::uint64_t> list);
};
bool register_cpu_sum(const CpuSumImplementation& implementation);
const std::vector<CpuSumImplementation>& cpu_sum_implementations();

// --- shared_counter ---------------------------------------------------------------------------
struct SharedCounterImplementation {
  const char* name;
  const char* description;
  WorkerKind kind;
  std::unique_ptr<Session> (*start)(int workers, std::uint64_t increments);
};
bool register_shared_counter(const SharedCounterImplementation& implementation);
const std::vector<SharedCounterImplementation>& shared_counter_implementations();

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

struct MemoryPerWorkerImplementation {
  const char* name;
  const char* description;
  WorkerKind kind;
  std::unique_ptr<IdleWorkers> (*start)(int workers);
};
bool register_memory_per_worker(const MemoryPerWorkerImplementation& implementation);
const std::vector<MemoryPerWorkerImplementation>& memory_per_worker_implementations();

}  // namespace parallelism
