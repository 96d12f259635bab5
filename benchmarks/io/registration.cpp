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
#include <limits>
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
#include "registration.h"
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

double kernel_bytes_per_connection(std::int64_t before, std::int64_t after, int conns) {
  if (after <= before || conns <= 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(after - before) / conns;
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

void echo_benchmark(benchmark::State& state, MakeServer make, int variant, Transport transport, int conns, int size,
                    LoadGenerator::Load load) {
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
      server = make(std::move(listener.fd), variant);
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
    counters["kernel_bytes_per_conn"] = bytes(kernel_bytes_per_connection(*kernel_before, *kernel_after, conns));
  }
  if (timed_requests > 0) {
    const auto n = static_cast<double>(timed_requests);
    counters["cpu_ns_per_request"] = static_cast<double>(process_cpu) / n;
    counters["client_cpu_ns_per_request"] = static_cast<double>(client_cpu) / n;
    counters["server_cpu_ns_per_request"] = static_cast<double>(process_cpu - client_cpu) / n;
  }
}

// The body of both echo workloads over `transport`: a point is conns, msg and, open loop, load:open.
yb::Workload<MakeServer>::Body echo_body(Transport transport) {
  return [transport](benchmark::State& state, const yb::Implementation&, const MakeServer& make, const yb::Point& point,
                     const yb::Variant& variant) {
    const auto load = point.has("load") ? LoadGenerator::Load::open : LoadGenerator::Load::closed;
    echo_benchmark(state, make, variant.index, transport, static_cast<int>(point.number("conns")),
                   static_cast<int>(point.number("msg")), load);
  };
}

std::uint64_t echo_checksum_at(const yb::Point& point) {
  const int conns = static_cast<int>(point.number("conns"));
  return echo_checksum({conns, echo_messages_per_connection(conns), static_cast<int>(point.number("msg"))});
}

// The variant (trigger:, submit:, stack:) follows conns and msg in the name, before load:open.
constexpr std::size_t kVariantsAfterShape = 2;

[[maybe_unused]] const bool described = [] {
  ::signal(SIGPIPE, SIG_IGN);  // a peer gone mid-write is an error to report, not a reason to die
  yb::describe_family(kFamily,
                      "blocking vs non-blocking I/O over loopback: thread-per-connection, epoll readiness, "
                      "io_uring completions, C++20 coroutines and Boost.Context fibers on epoll");
  return true;
}();

}  // namespace

// Closed loop at every shape, up to conns:10000 where the one-thread servers part from
// thread-per-connection (an operation is 20,000 requests, ~1 s here, and each benchmark also
// spends seconds connecting in every process: docs/notes/io.md, so conns:10000 is the full
// profile's); open loop (load:open) at C = 1 and 256, S = 64.
const yb::Params kClosedLoop = yb::Params{{"conns", {1, 16, 256, 1024}}, {"msg", {64, 4096}}} +
                               yb::Params{{"conns", {10000}}, {"msg", {64, 4096}}}.full_profile_only();

const yb::Workload<MakeServer> echo_tcp{
    kFamily,
    "echo_tcp",
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
    "connection at C = 1024 here: a thread's ~31 KiB stands out, an epoll item's ~0.2 KiB does not; left out "
    "with the reason when it did not grow, never negative); where "
    "one descriptor table cannot hold both ends of every connection (C = 10,000 under a hard RLIMIT_NOFILE "
    "of 20,000) the generator runs on a thread with a table of its own (io/fd_table_thread.h) and perf's "
    "events, which see only the waiting main thread, are left out",
    "request",
    kClosedLoop + yb::Params{{"conns", {1, 256}}, {"msg", {64}}}.with({"load", "open"}),
    echo_body(Transport::tcp),
    echo_checksum_at,
    kVariantsAfterShape};

const yb::Workload<MakeServer> echo_unix{
    kFamily,          "echo_unix",        "echo_tcp over an abstract AF_UNIX stream socket",
    "request",        kClosedLoop,        echo_body(Transport::unix_stream),
    echo_checksum_at, kVariantsAfterShape};

std::vector<std::vector<yb::Param>> variants(const char* param, std::initializer_list<const char*> values) {
  std::vector<std::vector<yb::Param>> all;
  for (const char* value : values) all.push_back({{param, value}});
  return all;
}

std::function<std::string(const yb::WorkloadBase&, const yb::Point&, const yb::Variant&)> unavailable(
    std::string (*limit)(int conns, int variant)) {
  return [limit](const yb::WorkloadBase&, const yb::Point& point, const yb::Variant& variant) {
    return limit(static_cast<int>(point.number("conns")), variant.index);
  };
}

const std::vector<EchoImplementation>& echo_servers() {
  static const std::vector<EchoImplementation> all = [] {
    std::vector<EchoImplementation> servers;
    for (const yb::Implementation* implementation : yb::implementations(kFamily)) {
      const MakeServer* make = implementation->function(echo_tcp);
      if (make == nullptr) continue;
      EchoImplementation server{implementation->name.c_str(), *make};
      for (const auto& variant : implementation->variants) {
        server.variant_param = variant.front().first.c_str();
        server.variants.push_back(variant.front().second.c_str());
      }
      if (implementation->unavailable != nullptr) {
        server.limit = [implementation](int conns, int variant) {
          std::vector<yb::Param> params;
          if (variant < static_cast<int>(implementation->variants.size())) params = implementation->variants[variant];
          return implementation->unavailable_reason(echo_tcp, {{{"conns", std::to_string(conns)}, {"msg", "64"}}},
                                                    {variant, params});
        };
      }
      servers.push_back(std::move(server));
    }
    return servers;
  }();
  return all;
}

}  // namespace io
