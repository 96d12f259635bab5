// Turns the parallelism implementations into benchmarks: one per workload, implementation and
// parameter set, named parallelism/<workload>/<implementation>[/worker:<kind>]/<param>:<value>...
//
// Every body starts the implementation's Session (its workers) outside the measured region,
// hands session.run() to yb::measure, adds the family's own counters afterwards, and stops the
// session, so every thread, child, fd and mapping is gone when the body returns. A worker that
// crashes or hangs ends the benchmark with an error naming its PID and exit status or signal.
//
// Workers that live across operations (pools, ping-pong peers, counter workers) were started
// before yb::measure opened its counters, so neither getrusage(RUSAGE_CHILDREN) (not yet reaped)
// nor the inherited perf events (opened after they started) see them. Their switches are read
// from /proc/<pid>/task/<tid>/status around yb::measure and divided by every operation it ran:
//   worker_ctx_voluntary, worker_ctx_involuntary  those workers alone, per operation;
//   ctx_voluntary, ctx_involuntary                 + the workers' when they are processes (for
//                                                  threads RUSAGE_SELF already holds them);
//   ctx_switches                                   + the workers' (voluntary + involuntary).
// So ctx_* mean both sides of the work, for threads and processes alike.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "measure.h"
#include "parallelism/implementation.h"
#include "parallelism/workers.h"
#include "parallelism/workloads.h"
#include "registry.h"

namespace parallelism {
namespace {

constexpr const char* kFamily = "parallelism";
constexpr int kCpuSampleRoundTrips = 1000;

template <class Entry>
std::vector<Entry>& registry() {
  static std::vector<Entry> all;
  return all;
}

[[maybe_unused]] const bool described = [] {
  // A write to the pipe of a peer that died must fail with EPIPE (and become the benchmark's
  // error), not end the executable with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  yb::describe_family(kFamily,
                      "threads vs processes: what a worker costs to start, to talk to and to keep alive, and "
                      "what it buys for CPU-bound work");
  for (const Workload* workload : {&spawn_join, &ping_pong, &cpu_sum, &shared_counter, &memory_per_worker}) {
    yb::describe_workload(kFamily, workload->name, workload->description);
  }
  return true;
}();

using Body = std::function<void(benchmark::State&)>;
using Params = std::vector<std::pair<std::string, std::string>>;

// Registers one benchmark whose body turns exceptions (a failed fork, pipe, mmap) into errors.
void add(const Workload& workload, const char* implementation, Params params, Body body) {
  yb::register_benchmark({kFamily, workload.name, implementation, std::move(params)},
                         [body = std::move(body)](benchmark::State& state) {
                           try {
                             body(state);
                           } catch (const std::exception& error) {
                             state.SkipWithError(error.what());
                           }
                         });
}

std::optional<Switches> total_switches(const std::vector<TaskId>& tasks) {
  Switches total;
  for (const TaskId& task : tasks) {
    const auto switches = task_switches(task);
    if (!switches) return std::nullopt;
    total.voluntary += switches->voluntary;
    total.involuntary += switches->involuntary;
  }
  return total;
}

struct SessionRun {
  std::uint64_t operations = 0;  // every operation yb::measure ran: warm-up, probe, loop, latency
  double seconds = 0;            // their total time, when timed
};

// Measures session.run(). kTimeOps also times every operation, for operations long against a
// clock read (cpu_sum), so that speedup can be computed.
template <bool kTimeOps>
SessionRun measure_session(benchmark::State& state, Session& session, const yb::Expectation& expected) {
  const auto before = total_switches(session.resident_workers());
  SessionRun totals;
  bool reported = false;
  yb::measure(state, expected, [&]() -> std::uint64_t {
    ++totals.operations;
    std::uint64_t value;
    if constexpr (kTimeOps) {
      const auto start = std::chrono::steady_clock::now();
      value = session.run();
      totals.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } else {
      value = session.run();
    }
    if (session.failed() && !reported) [[unlikely]] {
      reported = true;
      state.SkipWithError(session.failure().c_str());
    }
    return value;
  });
  if (state.error_occurred() || totals.operations == 0 || session.resident_workers().empty()) {
    return totals;
  }
  const auto after = total_switches(session.resident_workers());
  if (!before || !after) return totals;
  const double operations = static_cast<double>(totals.operations);
  const double voluntary = static_cast<double>(after->voluntary - before->voluntary) / operations;
  const double involuntary = static_cast<double>(after->involuntary - before->involuntary) / operations;
  auto& counters = state.counters;
  counters["worker_ctx_voluntary"] = voluntary;
  counters["worker_ctx_involuntary"] = involuntary;
  if (session.resident_kind() == WorkerKind::process) {
    counters["ctx_voluntary"].value += voluntary;
    counters["ctx_involuntary"].value += involuntary;
  }
  if (counters.count("ctx_switches") != 0) counters["ctx_switches"].value += voluntary + involuntary;
  return totals;
}

// Stops the session's workers; an abnormal end becomes the benchmark's error.
void finish(benchmark::State& state, Session& session) {
  session.stop();
  if (session.failed() && !state.error_occurred()) state.SkipWithError(session.failure().c_str());
}

benchmark::Counter bytes(double value) {
  return benchmark::Counter(value, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

// --- spawn_join -------------------------------------------------------------------------------

void spawn_join_body(benchmark::State& state, const SpawnJoinImplementation& implementation, std::uint64_t mib) {
  // Touched before any worker starts, and kept until the body returns.
  const TouchedMemory parent_memory(static_cast<std::size_t>(mib) << 20);
  const auto session = implementation.start();
  measure_session<false>(state, *session, {spawn_join_checksum(), 1});
  finish(state, *session);
}

// --- ping_pong --------------------------------------------------------------------------------

void ping_pong_body(benchmark::State& state, const PingPongImplementation& implementation, Placement placement) {
  const std::vector<int> cpus = allowed_cpus();
  std::optional<int> self_cpu, peer_cpu;
  if (placement == Placement::same_cpu) {
    self_cpu = peer_cpu = cpus.at(0);
  } else if (placement == Placement::cross_cpu) {
    if (cpus.size() < 2) {
      yb::skip(state, "cross_cpu needs 2 CPUs; this process may run on " + std::to_string(cpus.size()));
      return;
    }
    self_cpu = cpus[0];
    peer_cpu = cpus[1];
  }
  const PinCallingThread pin(self_cpu);
  const auto session = implementation.start(peer_cpu);
  measure_session<false>(state, *session, {ping_pong_checksum(), 1});
  if (!state.error_occurred()) {
    // Where each side ran, from an untimed pass in which the peer reports its CPU.
    if (const auto sample = session->sample_cpus(kCpuSampleRoundTrips)) {
      state.counters["self_cpu"] = sample->self_cpu;
      state.counters["peer_cpu"] = sample->peer_cpu;
      state.counters["cross_cpu_share"] = sample->cross_cpu_share;
    }
  }
  finish(state, *session);
}

// --- cpu_sum ----------------------------------------------------------------------------------

// The kernel run over `list` on the benchmark thread alone (no worker to start or talk to): the
// best of three, measured in every call right after the workers' loop, not once per process: on
// this project's KVM guests the same 100,000,000-number sum takes 28 ms or 51 ms depending on the
// minute (host contention), and a reference from another minute made one worker's "speedup" 1.8.
double serial_seconds(const WorkList& list) {
  double best = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < list.ns.size(); ++i) total += weigh(i, sum_to(list.ns[i]));
    benchmark::DoNotOptimize(std::as_const(total));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (attempt == 0 || seconds < best) best = seconds;
  }
  return best;
}

void cpu_sum_body(benchmark::State& state, const CpuSumImplementation& implementation, const WorkList& list,
                  int workers) {
  const auto cpus = allowed_cpus().size();
  if (static_cast<std::size_t>(workers) > cpus) {
    yb::skip(state,
             std::to_string(workers) + " workers need as many CPUs; this process may run on " + std::to_string(cpus));
    return;
  }
  const auto session = implementation.start(workers, list.ns);
  const SessionRun run = measure_session<true>(
      state, *session, {cpu_sum_checksum(list.ns), static_cast<std::int64_t>(cpu_sum_items(list.ns))});
  if (!state.error_occurred() && run.operations > 0 && run.seconds > 0) {
    // Against one worker that costs nothing to start or to talk to: the kernel on this thread.
    const double serial = serial_seconds(list);
    const double speedup = serial / (run.seconds / static_cast<double>(run.operations));
    state.counters["serial_ns"] = serial * 1e9;
    state.counters["speedup"] = speedup;
    state.counters["efficiency"] = speedup / workers;
  }
  finish(state, *session);
}

// --- shared_counter ---------------------------------------------------------------------------

void shared_counter_body(benchmark::State& state, const SharedCounterImplementation& implementation, int workers) {
  const auto session = implementation.start(workers, kIncrementsPerWorker);
  measure_session<false>(state, *session,
                         {shared_counter_checksum(workers, kIncrementsPerWorker),
                          static_cast<std::int64_t>(shared_counter_checksum(workers, kIncrementsPerWorker))});
  finish(state, *session);
}

// --- memory_per_worker ------------------------------------------------------------------------

// With the workers held idle: what they add, per worker.
//   bytes_per_unit (= pss_per_worker_bytes): proportional set size they add. Processes: the sum of
//     their PSS (smaps_rollup) plus the parent's PSS change (pages it now shares with them).
//     Threads: the resident bytes of their stack blocks (mincore), which hold the thread's
//     descriptor and TLS too; nothing in them is shared, so PSS = RSS.
//   rss_per_worker_bytes: what each worker's RSS shows (a forked child counts every shared page).
//   page_table_per_worker_bytes: VmPTE the workers add (in no RSS or PSS).
void probe_idle_memory(benchmark::State& state, IdleWorkers& session, WorkerKind kind) {
  const pid_t self = ::getpid();
  const auto self_before = smaps_rollup(self);
  const auto tables_before = status_bytes(self, "VmPTE");
  const std::uint64_t idle = session.hold();
  if (session.failed() || idle != static_cast<std::uint64_t>(session.workers())) {
    session.release();
    return;
  }
  const auto self_after = smaps_rollup(self);
  const auto tables_after = status_bytes(self, "VmPTE");
  const double workers = session.workers();
  std::optional<double> pss, rss, tables;
  if (tables_before && tables_after) tables = static_cast<double>(*tables_after - *tables_before);
  if (kind == WorkerKind::thread) {
    rss = pss = static_cast<double>(session.thread_stack_resident_bytes());
  } else if (self_before && self_after) {
    double pss_total = static_cast<double>(self_after->pss - self_before->pss);
    double rss_total = 0;
    bool complete = true;
    for (const pid_t pid : session.processes()) {
      const auto child = smaps_rollup(pid);
      if (!child) {
        complete = false;
        break;
      }
      pss_total += static_cast<double>(child->pss);
      rss_total += static_cast<double>(child->rss);
      const auto child_tables = status_bytes(pid, "VmPTE");
      if (tables && child_tables) {
        *tables += static_cast<double>(*child_tables);
      } else {
        tables.reset();
      }
    }
    if (complete) {
      pss = pss_total;
      rss = rss_total;
    }
  }
  session.release();
  if (pss) {
    state.counters["bytes_per_unit"] = bytes(*pss / workers);
    state.counters["pss_per_worker_bytes"] = bytes(*pss / workers);
  }
  if (rss) state.counters["rss_per_worker_bytes"] = bytes(*rss / workers);
  if (tables) state.counters["page_table_per_worker_bytes"] = bytes(*tables / workers);
}

void memory_per_worker_body(benchmark::State& state, const MemoryPerWorkerImplementation& implementation, int workers) {
  const auto session = implementation.start(workers);
  measure_session<false>(state, *session, {memory_per_worker_checksum(workers), workers});
  if (!state.error_occurred()) probe_idle_memory(state, *session, implementation.kind);
  finish(state, *session);
}

void describe(const char* name, const char* description) { yb::describe_implementation(kFamily, name, description); }

}  // namespace

bool register_spawn_join(const SpawnJoinImplementation& implementation) {
  registry<SpawnJoinImplementation>().push_back(implementation);
  describe(implementation.name, implementation.description);
  for (const std::uint64_t mib : kParentMiB) {
    add(spawn_join, implementation.name, {{"parent_mib", std::to_string(mib)}},
        [implementation, mib](benchmark::State& state) { spawn_join_body(state, implementation, mib); });
  }
  return true;
}

const std::vector<SpawnJoinImplementation>& spawn_join_implementations() { return registry<SpawnJoinImplementation>(); }

bool register_ping_pong(const PingPongImplementation& implementation) {
  registry<PingPongImplementation>().push_back(implementation);
  describe(implementation.name, implementation.description);
  for (const Placement placement : kPlacements) {
    add(ping_pong, implementation.name,
        {{"worker", to_string(implementation.kind)}, {"placement", to_string(placement)}},
        [implementation, placement](benchmark::State& state) { ping_pong_body(state, implementation, placement); });
  }
  return true;
}

const std::vector<PingPongImplementation>& ping_pong_implementations() { return registry<PingPongImplementation>(); }

bool register_cpu_sum(const CpuSumImplementation& implementation) {
  registry<CpuSumImplementation>().push_back(implementation);
  describe(implementation.name, implementation.description);
  for (const WorkList& list : kWorkLists) {
    for (const int workers : kCpuSumWorkers) {
      add(cpu_sum, implementation.name, {{"list", list.name}, {"workers", std::to_string(workers)}},
          [implementation, &list, workers](benchmark::State& state) {
            cpu_sum_body(state, implementation, list, workers);
          });
    }
  }
  return true;
}

const std::vector<CpuSumImplementation>& cpu_sum_implementations() { return registry<CpuSumImplementation>(); }

bool register_shared_counter(const SharedCounterImplementation& implementation) {
  registry<SharedCounterImplementation>().push_back(implementation);
  describe(implementation.name, implementation.description);
  for (const int workers : kCounterWorkers) {
    add(shared_counter, implementation.name,
        {{"worker", to_string(implementation.kind)}, {"workers", std::to_string(workers)}},
        [implementation, workers](benchmark::State& state) { shared_counter_body(state, implementation, workers); });
  }
  return true;
}

const std::vector<SharedCounterImplementation>& shared_counter_implementations() {
  return registry<SharedCounterImplementation>();
}

bool register_memory_per_worker(const MemoryPerWorkerImplementation& implementation) {
  registry<MemoryPerWorkerImplementation>().push_back(implementation);
  describe(implementation.name, implementation.description);
  add(memory_per_worker, implementation.name, {{"workers", std::to_string(kIdleWorkers)}},
      [implementation](benchmark::State& state) { memory_per_worker_body(state, implementation, kIdleWorkers); });
  return true;
}

const std::vector<MemoryPerWorkerImplementation>& memory_per_worker_implementations() {
  return registry<MemoryPerWorkerImplementation>();
}

}  // namespace parallelism
