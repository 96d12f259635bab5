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
#include <stdexcept>
#include <string>
#include <utility>

#include "measure.h"
#include "parallelism/implementation.h"
#include "parallelism/paired_speedup.h"
#include "parallelism/workers.h"
#include "parallelism/workloads.h"
#include "registration.h"
#include "registry.h"

namespace parallelism {
namespace {

constexpr const char* kFamily = "parallelism";
constexpr int kCpuSampleRoundTrips = 1000;

[[maybe_unused]] const bool described = [] {
  // A write to the pipe of a peer that died must fail with EPIPE (and become the benchmark's
  // error), not end the executable with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  yb::describe_family(kFamily,
                      "threads vs processes: what a worker costs to start, to talk to and to keep alive, and "
                      "what it buys for CPU-bound work");
  return true;
}();

// A workload's body that turns exceptions (a failed fork, pipe, mmap) into errors.
template <class Function, class Body>
typename yb::Workload<Function>::Body guarded(Body body) {
  return [body](benchmark::State& state, const yb::Implementation&, const Function& start, const yb::Point& point,
                const yb::Variant& variant) {
    try {
      body(state, start, point, variant);
    } catch (const std::exception& error) {
      state.SkipWithError(error.what());
    }
  };
}

WorkerKind kind_of(const yb::Variant& variant) {
  for (const auto& [key, value] : variant.params) {
    if (key == "worker") return value == to_string(WorkerKind::process) ? WorkerKind::process : WorkerKind::thread;
  }
  throw std::invalid_argument("parallelism: a worker:<kind> variant is needed here");
}

const WorkList& work_list(const std::string& name) {
  for (const WorkList& list : kWorkLists) {
    if (name == list.name) return list;
  }
  throw std::invalid_argument("parallelism: no work list " + name);
}

Placement placement_of(const std::string& name) {
  for (const Placement placement : kPlacements) {
    if (name == to_string(placement)) return placement;
  }
  throw std::invalid_argument("parallelism: no placement " + name);
}

template <class Values>
std::vector<std::string> texts(const Values& values) {
  std::vector<std::string> all;
  for (const auto& value : values) all.push_back(std::to_string(value));
  return all;
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

// Measures session.run().
void measure_session(benchmark::State& state, Session& session, const yb::Expectation& expected) {
  const auto before = total_switches(session.resident_workers());
  std::uint64_t runs = 0;  // every operation yb::measure ran: warm-up, probe, loop, latency
  bool reported = false;
  yb::measure(state, expected, [&]() -> std::uint64_t {
    ++runs;
    const std::uint64_t value = session.run();
    if (session.failed() && !reported) [[unlikely]] {
      reported = true;
      state.SkipWithError(session.failure().c_str());
    }
    return value;
  });
  if (state.error_occurred() || runs == 0 || session.resident_workers().empty()) return;
  const auto after = total_switches(session.resident_workers());
  if (!before || !after) return;
  const double operations = static_cast<double>(runs);
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

void spawn_join_body(benchmark::State& state, SpawnJoinStart start, std::uint64_t mib) {
  // Touched before any worker starts, and kept until the body returns.
  const TouchedMemory parent_memory(static_cast<std::size_t>(mib) << 20);
  const auto session = start();
  measure_session(state, *session, {spawn_join_checksum(), 1});
  finish(state, *session);
}

// --- ping_pong --------------------------------------------------------------------------------

void ping_pong_body(benchmark::State& state, PingPongStart start, WorkerKind kind, Placement placement) {
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
  const auto session = start(kind, peer_cpu);
  measure_session(state, *session, {ping_pong_checksum(), 1});
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

// Pairs of serial and parallel runs after the timed loop (paired_speedup.h): enough for a median
// that one disturbed run cannot move, few enough to stay small against the loop.
constexpr int kSpeedupPairs = 5;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The kernel over `list` on the benchmark thread alone: one worker that costs nothing to start
// or to talk to.
std::uint64_t serial_sum(const WorkList& list) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < list.ns.size(); ++i) total += weigh(i, sum_to(list.ns[i]));
  return total;
}

void cpu_sum_body(benchmark::State& state, CpuSumStart start, const WorkList& list, int workers) {
  const auto cpus = allowed_cpus().size();
  if (static_cast<std::size_t>(workers) > cpus) {
    yb::skip(state,
             std::to_string(workers) + " workers need as many CPUs; this process may run on " + std::to_string(cpus));
    return;
  }
  const auto session = start(workers, list.ns);
  const std::uint64_t expected = cpu_sum_checksum(list.ns);
  measure_session(state, *session, {expected, static_cast<std::int64_t>(cpu_sum_items(list.ns))});
  if (!state.error_occurred()) {
    bool answers_ok = true;
    const PairedTimes times = time_in_pairs(
        kSpeedupPairs, [&] { answers_ok &= serial_sum(list) == expected; },
        [&] { answers_ok &= session->run() == expected && !session->failed(); }, now_seconds);
    const Speedup speedup = speedup_of(times);
    if (!answers_ok) {
      state.SkipWithError(session->failed() ? session->failure().c_str() : "checksum mismatch in the speedup pairs");
    } else if (speedup.ratio > 0) {
      state.counters["serial_ns"] = speedup.serial_seconds * 1e9;
      state.counters["parallel_ns"] = speedup.parallel_seconds * 1e9;
      state.counters["speedup"] = speedup.ratio;
      state.counters["efficiency"] = speedup.ratio / workers;
    }
  }
  finish(state, *session);
}

// --- shared_counter ---------------------------------------------------------------------------

void shared_counter_body(benchmark::State& state, SharedCounterStart start, WorkerKind kind, int workers) {
  const auto session = start(kind, workers, kIncrementsPerWorker);
  measure_session(state, *session,
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

void memory_per_worker_body(benchmark::State& state, const MemoryPerWorkerStart& implementation, int workers) {
  const auto session = implementation.start(workers);
  measure_session(state, *session, {memory_per_worker_checksum(workers), workers});
  if (!state.error_occurred()) probe_idle_memory(state, *session, implementation.kind);
  finish(state, *session);
}

}  // namespace

const yb::Workload<SpawnJoinStart> spawn_join{
    kFamily,
    "spawn_join",
    "start a worker that does nothing but hand back a token, and wait for it; parent_mib: memory the parent has "
    "touched (fork copies its page tables, posix_spawn does not)",
    "worker",
    {{"parent_mib", texts(kParentMiB)}},
    guarded<SpawnJoinStart>([](benchmark::State& state, SpawnJoinStart start, const yb::Point& point,
                               const yb::Variant&) { spawn_join_body(state, start, point.number("parent_mib")); }),
    [](const yb::Point&) { return spawn_join_checksum(); }};

// worker:<kind> comes first in the name: parallelism/ping_pong/pipe/worker:thread/placement:same_cpu.
const yb::Workload<PingPongStart> ping_pong{
    kFamily,
    "ping_pong",
    "one round trip between the benchmark thread and a peer (thread or process), both blocking; placement pins "
    "both sides to one CPU, to two, or leaves them to the scheduler",
    "round trip",
    {{"placement", {"same_cpu", "cross_cpu", "unpinned"}}},
    guarded<PingPongStart>(
        [](benchmark::State& state, PingPongStart start, const yb::Point& point, const yb::Variant& variant) {
          ping_pong_body(state, start, kind_of(variant), placement_of(point["placement"]));
        }),
    [](const yb::Point&) { return ping_pong_checksum(); },
    0};

const yb::Workload<CpuSumStart> cpu_sum{
    kFamily,
    "cpu_sum",
    "the seed's work list, sum(range(1, n + 1)) per entry, shared among 1 or 2 workers through one compute "
    "kernel; speedup and efficiency against the kernel run alone on the benchmark thread",
    "number",
    {{"list", {"seed", "balanced"}}, {"workers", texts(kCpuSumWorkers)}},
    guarded<CpuSumStart>([](benchmark::State& state, CpuSumStart start, const yb::Point& point, const yb::Variant&) {
      cpu_sum_body(state, start, work_list(point["list"]), static_cast<int>(point.number("workers")));
    }),
    [](const yb::Point& point) { return cpu_sum_checksum(work_list(point["list"]).ns); }};

const yb::Workload<SharedCounterStart> shared_counter{
    kFamily,
    "shared_counter",
    "W already-started workers each add 1 to one shared counter 100,000 times per operation (mutex or atomic; "
    "for processes in shared memory)",
    "increment",
    {{"workers", texts(kCounterWorkers)}},
    guarded<SharedCounterStart>(
        [](benchmark::State& state, SharedCounterStart start, const yb::Point& point, const yb::Variant& variant) {
          shared_counter_body(state, start, kind_of(variant), static_cast<int>(point.number("workers")));
        }),
    [](const yb::Point& point) {
      return shared_counter_checksum(static_cast<int>(point.number("workers")), kIncrementsPerWorker);
    },
    0};

const yb::Workload<MemoryPerWorkerStart> memory_per_worker{
    kFamily,
    "memory_per_worker",
    "start W workers that sit idle, then stop them; bytes_per_unit: the proportional set size (PSS) each idle "
    "worker adds",
    "worker",
    {{"workers", {std::uint64_t{kIdleWorkers}}}},
    guarded<MemoryPerWorkerStart>(
        [](benchmark::State& state, const MemoryPerWorkerStart& start, const yb::Point& point, const yb::Variant&) {
          memory_per_worker_body(state, start, static_cast<int>(point.number("workers")));
        }),
    [](const yb::Point& point) { return memory_per_worker_checksum(static_cast<int>(point.number("workers"))); }};

std::vector<std::vector<yb::Param>> worker_variants(std::initializer_list<WorkerKind> kinds) {
  std::vector<std::vector<yb::Param>> all;
  for (const WorkerKind kind : kinds) all.push_back({{"worker", to_string(kind)}});
  return all;
}

namespace {

// Every implementation of `workload` with its function, once per variant that applies.
template <class Function, class Each>
void for_each_implementation(const yb::Workload<Function>& workload, Each each) {
  for (const yb::Implementation* implementation : yb::implementations(kFamily)) {
    const Function* start = implementation->function(workload);
    if (start == nullptr) continue;
    for (const yb::Variant& variant : implementation->variants_of(workload)) each(*implementation, *start, variant);
  }
}

template <class Function>
std::vector<Implementing<Function>> implementing(const yb::Workload<Function>& workload) {
  std::vector<Implementing<Function>> all;
  for_each_implementation(workload,
                          [&all](const yb::Implementation& implementation, Function start, const yb::Variant&) {
                            all.push_back({implementation.name, start});
                          });
  return all;
}

}  // namespace

std::vector<Implementing<SpawnJoinStart>> spawn_join_implementations() { return implementing(spawn_join); }
std::vector<Implementing<CpuSumStart>> cpu_sum_implementations() { return implementing(cpu_sum); }
std::vector<MemoryPerWorkerImplementation> memory_per_worker_implementations() {
  std::vector<MemoryPerWorkerImplementation> all;
  for (const auto& [name, start] : implementing(memory_per_worker)) all.push_back({name, start.kind, start.start});
  return all;
}

std::vector<PingPongImplementation> ping_pong_implementations() {
  std::vector<PingPongImplementation> all;
  for_each_implementation(
      ping_pong, [&all](const yb::Implementation& implementation, PingPongStart start, const yb::Variant& variant) {
        const WorkerKind kind = kind_of(variant);
        all.push_back({implementation.name, kind, [start, kind](std::optional<int> cpu) { return start(kind, cpu); }});
      });
  return all;
}

std::vector<SharedCounterImplementation> shared_counter_implementations() {
  std::vector<SharedCounterImplementation> all;
  for_each_implementation(shared_counter, [&all](const yb::Implementation& implementation, SharedCounterStart start,
                                                 const yb::Variant& variant) {
    const WorkerKind kind = kind_of(variant);
    all.push_back({implementation.name, kind,
                   [start, kind](int workers, std::uint64_t increments) { return start(kind, workers, increments); }});
  });
  return all;
}

}  // namespace parallelism
