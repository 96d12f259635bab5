// The io family's echo benchmarks: one per server, transport, connection count, message size and
// variant. Everything a benchmark starts (the server's threads, both ends of every connection)
// is started before yb::measure and gone when the body returns.
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "heap_counter.h"
#include "io/echo_server.h"
#include "io/fd_table_thread.h"
#include "io/io_support.h"
#include "io/kernel_features.h"
#include "io/load_generator.h"
#include "io/workloads.h"
#include "measure.h"
#include "registry.h"
#include "system_memory.h"

namespace io {

std::chrono::milliseconds& operation_timeout() {
  static std::chrono::milliseconds timeout{10'000};
  return timeout;
}

std::string ensure_descriptors(std::uint64_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return errno_text("getrlimit(RLIMIT_NOFILE)");
  if (limit.rlim_cur >= needed) return "";
  if (limit.rlim_max < needed) {
    // Raising the hard limit takes CAP_SYS_RESOURCE (and stays under fs.nr_open): try it first.
    const rlimit raised{needed, needed};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return "";
    return "needs " + std::to_string(needed) + " file descriptors; RLIMIT_NOFILE hard limit is " +
           std::to_string(limit.rlim_max) + " and raising it failed (" + std::strerror(errno) +
           "; raise it with ulimit -Hn as root)";
  }
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return errno_text("setrlimit(RLIMIT_NOFILE)");
  return "";
}

std::int64_t cpu_ns(clockid_t clock) {
  timespec now{};
  ::clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

void add_per_request(benchmark::State& state, double requests_per_operation) {
  for (const char* name : {"ctx_voluntary", "ctx_involuntary"}) {
    const auto found = state.counters.find(name);
    if (found != state.counters.end()) {
      state.counters[std::string(name) + "_per_request"] = found->second.value / requests_per_operation;
    }
  }
}

namespace {

constexpr const char* kFamily = "io";
using benchmark::Counter;

std::vector<EchoImplementation>& registered() {
  static std::vector<EchoImplementation> all;
  return all;
}

Counter bytes(double value) { return Counter(value, Counter::kDefaults, Counter::kIs1024); }

// load:open offers this share of the closed-loop rate: enough load to queue at times, not so
// much that a noisy machine's slower moments overload the server for good.
constexpr double kOpenLoopShare = 0.5;
constexpr int kOpenLoopCalibrationOperations = 3;
// kernel_bytes_per_conn is a machine-wide delta: below this many connections a few KiB of
// unrelated slab churn would outweigh what one connection costs.
constexpr int kMinConnsForKernelMemory = 256;

std::string per_second(double value) {
  char text[32];
  std::snprintf(text, sizeof text,
                value >= 1e6   ? "%.3gM"
                : value >= 1e3 ? "%.3gk"
                               : "%.3g",
                value >= 1e6   ? value / 1e6
                : value >= 1e3 ? value / 1e3
                               : value);
  return std::string(text) + " req/s";
}

void echo_benchmark(benchmark::State& state, const EchoImplementation& implementation, int variant, Transport transport,
                    int conns, int size, LoadGenerator::Load load) {
  if (implementation.limit != nullptr) {
    const std::string reason = implementation.limit(conns, variant);
    if (!reason.empty()) return yb::skip(state, reason);
  }
  // Both ends of every connection, plus the server's and generator's own descriptors, in the
  // process's table; where the hard limit forbids that, the generator's ends in a table of its own.
  const auto per_end = static_cast<std::uint64_t>(conns) + 32;
  const bool own_table = !ensure_descriptors(2 * per_end).empty();
  if (own_table) {
#if defined(__SANITIZE_THREAD__)
    return yb::skip(state, "conns=" + std::to_string(conns) +
                               " needs a second descriptor table here, and "
                               "ThreadSanitizer keys descriptors by number for the whole process: the same number "
                               "in two tables reads as a race");
#endif
    if (const std::string& reason = separate_fd_table_unavailable(); !reason.empty()) {
      return yb::skip(state, "conns=" + std::to_string(conns) + " needs a second descriptor table: " + reason);
    }
    if (const std::string reason = ensure_descriptors(per_end); !reason.empty()) {
      return yb::skip(state, "conns=" + std::to_string(conns) + " (one end of each per descriptor table): " + reason);
    }
  }
  const EchoShape shape{conns, echo_messages_per_connection(conns), size};
  const auto requests = static_cast<double>(shape.requests());

  // Started outside the measured region: listener, the load generator's buffers, then the
  // server, whose lasting heap use is counted while it accepts the connections and echoes one
  // priming message on each.
  std::unique_ptr<LoadGenerator> client;
  std::unique_ptr<EchoServer> server;
  // Whatever opens or closes the generator's descriptors goes through here.
  std::unique_ptr<FdTableThread> client_table;
  const auto on_client_side = [&client_table](auto&& work) {
    if (client_table) {
      client_table->run(work);
    } else {
      work();
    }
  };
  const auto close_both = [&] {
    on_client_side([&] { client.reset(); });  // clients close first: the server sees EOF on every connection
    server.reset();
  };
  yb::heap::Usage server_heap;
  std::optional<std::int64_t> kernel_before, kernel_after;
  try {
    // Before the server exists: the thread's table starts as a copy of the process's.
    if (own_table) client_table = std::make_unique<FdTableThread>();
    Listener listener = listen_loopback(transport);
    client = std::make_unique<LoadGenerator>(listener.address, transport, shape, operation_timeout(),
                                             LoadGenerator::Connect::later, load);
    const bool kernel_memory = conns >= kMinConnsForKernelMemory;
    if (kernel_memory) kernel_before = yb::system_memory::kernel_unreclaimable_bytes();
    yb::heap::start_counting();
    try {
      server = implementation.make(std::move(listener.fd), variant);
      on_client_side([&] {
        client->connect();  // allocates nothing; connections past the listen backlog need the server accepting
        client->run_closed(nullptr, 1);
      });
    } catch (...) {
      yb::heap::stop_counting();
      throw;
    }
    server_heap = yb::heap::stop_counting();
    if (kernel_memory) kernel_after = yb::system_memory::kernel_unreclaimable_bytes();
  } catch (const std::exception& error) {
    close_both();
    state.SkipWithError((std::string("setup failed: ") + error.what()).c_str());
    return;
  }
  if (!client->error().empty()) {
    const std::string message = "priming round failed: " + client->error();
    close_both();
    state.SkipWithError(message.c_str());
    return;
  }
  const int threads = server->threads();
  const std::int64_t mapped = server->mapped_resident_bytes();
  double closed_loop_rate = 0;
  if (load == LoadGenerator::Load::open) {
    on_client_side([&] { closed_loop_rate = client->closed_loop_rate(kOpenLoopCalibrationOperations); });
    client->set_rate(kOpenLoopShare * closed_loop_rate);
  }

  std::uint64_t timed_requests = 0;
  std::int64_t process_cpu = 0, client_cpu = 0;
  bool reported = false;
  // Every request of the latency pass is timed by the load generator: lat_* are per request.
  yb::measure(
      state, {echo_checksum(shape), static_cast<std::int64_t>(shape.requests())}, [&](yb::LatencyHistogram* latency) {
        std::uint64_t sum = 0;
        on_client_side([&] {
          const std::int64_t process0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), thread0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
          sum = client->run(latency);
          process_cpu += cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - process0;
          client_cpu += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - thread0;
        });
        timed_requests += shape.requests();
        if (sum == LoadGenerator::kFailed && !reported) {
          reported = true;
          state.SkipWithError(client->error().c_str());
        }
        return sum;
      });
  const std::string error = client->error();
  close_both();
  client_table.reset();
  if (state.error_occurred() || !error.empty()) return;
  if (own_table && state.counters.count("ctx_switches") != 0) {
    // perf's events were opened on this thread, which only waited for the generator's thread.
    for (const char* name : {"ctx_switches", "task_clock_ns", "cpu_migrations", "page_faults"}) {
      state.counters.erase(name);
    }
  }

  add_per_request(state, requests);
  if (load == LoadGenerator::Load::open) {
    const double offered = kOpenLoopShare * closed_loop_rate;
    state.SetLabel("open loop at " + per_second(offered) + ", " +
                   std::to_string(static_cast<int>(kOpenLoopShare * 100)) + "% of the closed-loop " +
                   per_second(closed_loop_rate) + " measured before");
    state.counters["offered_requests_per_second"] = offered;
    state.counters["closed_loop_requests_per_second"] = closed_loop_rate;
  }
  auto& counters = state.counters;
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(shape.requests()) * size);
  counters["requests"] = requests;
  counters["server_threads"] = threads;
  const double heap_per_conn = static_cast<double>(std::max<std::int64_t>(0, server_heap.live_bytes)) / conns;
  const double mapped_per_conn = static_cast<double>(mapped) / conns;
  counters["heap_bytes_per_conn"] = bytes(heap_per_conn);
  counters["stack_bytes_per_conn"] = bytes(mapped_per_conn);
  counters["bytes_per_unit"] = bytes(heap_per_conn + mapped_per_conn);
  if (kernel_before && kernel_after) {
    counters["kernel_bytes_per_conn"] = bytes(static_cast<double>(*kernel_after - *kernel_before) / conns);
  }
  if (timed_requests > 0) {
    const auto n = static_cast<double>(timed_requests);
    counters["cpu_ns_per_request"] = static_cast<double>(process_cpu) / n;
    counters["client_cpu_ns_per_request"] = static_cast<double>(client_cpu) / n;
    counters["server_cpu_ns_per_request"] = static_cast<double>(process_cpu - client_cpu) / n;
  }
}

struct EchoWorkload {
  const char* name;
  Transport transport;
  std::vector<int> conns;
  std::vector<int> sizes;
};

const EchoWorkload kEchoWorkloads[] = {
    {"echo_tcp", Transport::tcp, {1, 16, 256, 1024}, {64, 4096}},
    // Where the one-thread servers part from thread-per-connection. One size only: an operation is
    // 20,000 requests (~1 s here) and each benchmark also spends seconds connecting.
    {"echo_tcp", Transport::tcp, {10000}, {64}},
    {"echo_unix", Transport::unix_stream, {1, 256}, {64, 4096}},
};
// The shapes also run open loop (named load:open; closed loop is the default, unnamed).
const EchoWorkload kOpenLoopWorkloads[] = {
    {"echo_tcp", Transport::tcp, {1, 256}, {64}},
};

void register_shapes(const std::shared_ptr<const EchoImplementation>& implementation, const EchoWorkload& workload,
                     LoadGenerator::Load load) {
  const int variants = implementation->variants.empty() ? 1 : static_cast<int>(implementation->variants.size());
  for (const int conns : workload.conns) {
    for (const int size : workload.sizes) {
      for (int variant = 0; variant < variants; ++variant) {
        yb::BenchmarkName name{kFamily,
                               workload.name,
                               implementation->name,
                               {{"conns", std::to_string(conns)}, {"msg", std::to_string(size)}}};
        if (implementation->variant_param != nullptr) {
          name.params.emplace_back(implementation->variant_param,
                                   implementation->variants.at(static_cast<std::size_t>(variant)));
        }
        if (load == LoadGenerator::Load::open) name.params.emplace_back("load", "open");
        const Transport transport = workload.transport;
        yb::register_benchmark(std::move(name),
                               [implementation, variant, transport, conns, size, load](benchmark::State& state) {
                                 echo_benchmark(state, *implementation, variant, transport, conns, size, load);
                               });
      }
    }
  }
}

[[maybe_unused]] const bool described = [] {
  ::signal(SIGPIPE, SIG_IGN);  // a peer gone mid-write is an error to report, not a reason to die
  yb::describe_family(kFamily,
                      "blocking vs non-blocking I/O over loopback: thread-per-connection, epoll readiness, "
                      "io_uring completions, C++20 coroutines and Boost.Context fibers on epoll");
  yb::describe_workload(
      kFamily, "echo_tcp",
      "C TCP connections on 127.0.0.1, each sending max(2, 1024/C) messages of S bytes per operation, "
      "one load generator for every server; items = requests; closed loop by default (a connection's next "
      "message leaves when its echo is back); load:open (C = 1 and 256, S = 64) sends at a fixed rate, 50% of "
      "the closed-loop rate the same generator measured just before (median of 3 operations; both are "
      "counters and in the label), whatever the echoes do; lat_* are per request, every request of the "
      "harness's latency pass timed by the load generator: closed loop from its send, open loop from its "
      "intended send time (queueing is not hidden), to the receipt of its whole echo; ctx_*_per_request and "
      "cpu_ns_per_request cover client and server threads (getrusage / process CPU clock; perf's ctx_switches "
      "and task_clock_ns see only the client thread, the server starts before the counters open); "
      "bytes_per_unit = server heap (operator new) + resident memory it maps itself (thread and fiber stacks, "
      "io_uring multishot's shared buffer pool; stack_bytes_per_conn) per connection, kernel memory not "
      "included; kernel_bytes_per_conn (C >= 256) = growth of the machine's unreclaimable kernel memory "
      "(/proc/meminfo KernelStack + SUnreclaim + PageTables) while the server accepted and primed the "
      "connections, per connection: both ends' sockets and the client's epoll items for every server, plus "
      "the model's own (a thread's kernel stack and task_struct, an epoll item, io_uring's state); "
      "system-wide, so other work and freed memory the kernel keeps cached move it (about +-4 KiB per "
      "connection at C = 1024 here: a thread's ~31 KiB stands out, an epoll item's ~0.2 KiB does not); where "
      "one descriptor table cannot hold both ends of every connection (C = 10,000 under a hard RLIMIT_NOFILE "
      "of 20,000) the generator runs on a thread with a table of its own (io/fd_table_thread.h) and perf's "
      "events, which see only the waiting main thread, are left out");
  yb::describe_workload(kFamily, "echo_unix", "echo_tcp over an abstract AF_UNIX stream socket");
  return true;
}();

}  // namespace

const std::vector<EchoImplementation>& echo_servers() { return registered(); }

bool register_echo_server(const EchoImplementation& implementation) {
  registered().push_back(implementation);
  yb::describe_implementation(kFamily, implementation.name, implementation.description);
  const auto shared = std::make_shared<const EchoImplementation>(implementation);
  for (const EchoWorkload& workload : kEchoWorkloads) register_shapes(shared, workload, LoadGenerator::Load::closed);
  for (const EchoWorkload& workload : kOpenLoopWorkloads) register_shapes(shared, workload, LoadGenerator::Load::open);
  return true;
}

}  // namespace io
