"""The counter registry: every value a benchmark entry may carry besides Google Benchmark's bookkeeping, with
its unit, which direction is better, and what it means. The summary, the reports and the gate read names,
units and directions from here; a test checks that every counter the suite emits is registered.

Times are normalised on reading: `time_ns` and `cpu_time_ns` are Google Benchmark's `real_time` and
`cpu_time` in nanoseconds per operation; in instruction mode `instructions` takes their place."""
from dataclasses import dataclass

LOWER, HIGHER, NEITHER = "lower", "higher", "neither"

# Units: what a value counts, and so how it is formatted (units.py).
NS, BYTES, COUNT, PER_SECOND, BYTES_PER_SECOND, RATIO, CPU, INSTRUCTIONS = (
    "ns",
    "bytes",
    "count",
    "per_second",
    "bytes_per_second",
    "ratio",
    "cpu",
    "Ir",
)


@dataclass(frozen=True)
class Counter:
    name: str  # the key in a results entry (times after normalisation: time_ns, cpu_time_ns)
    title: str  # words for axes and table headers
    unit: str  # one of the units above
    better: str  # LOWER, HIGHER or NEITHER (a setting, a placement, a count of what was done)
    description: str  # one line
    # Why a benchmark reports it as NaN, where it does: the results contract leaves the value out with this
    # reason (strict.py) rather than a generic one.
    not_measured: str = ""

    @property
    def kind(self) -> str:
        """The formatter's family: time, bytes, count or rate."""
        return {NS: "time", BYTES: "bytes", PER_SECOND: "rate", BYTES_PER_SECOND: "rate"}.get(self.unit, "count")


def _counters(*rows) -> dict:
    return {row[0]: Counter(*row) for row in rows}


REGISTRY = _counters(
    # Google Benchmark's times and rates
    ("time_ns", "wall time per operation", NS, LOWER, "real time of one operation (Google Benchmark's real_time)"),
    ("cpu_time_ns", "CPU time per operation", NS, LOWER, "the benchmark thread's CPU time of one operation"),
    (
        "instructions",
        "instructions per operation",
        INSTRUCTIONS,
        LOWER,
        "callgrind's user-space instructions in the timed loop, per operation (instruction mode)",
    ),
    ("items_per_second", "items per second", PER_SECOND, HIGHER, "items (elements, round trips, requests) per second"),
    ("bytes_per_second", "bytes per second", BYTES_PER_SECOND, HIGHER, "payload bytes moved per second"),
    # harness: memory
    (
        "heap_allocs",
        "heap allocations per operation",
        COUNT,
        LOWER,
        "operator new calls in one operation, plus stackful coroutines' stacks (malloc, mmap or pool)",
    ),
    (
        "heap_peak_bytes",
        "heap peak",
        BYTES,
        LOWER,
        "peak live operator-new bytes during one operation, stackful coroutines' stacks included",
    ),
    (
        "heap_total_bytes",
        "heap bytes allocated per operation",
        BYTES,
        LOWER,
        "bytes allocated through operator new in one operation",
    ),
    (
        "rss_peak_bytes",
        "RSS peak growth",
        BYTES,
        LOWER,
        "growth of the resident-set high-water mark during one operation (clear_refs + VmHWM)",
    ),
    (
        "bytes_per_unit",
        "memory per unit",
        BYTES,
        LOWER,
        "memory per coroutine, connection or worker alive at once, where a unit exists",
    ),
    # harness: scheduler and kernel
    (
        "ctx_voluntary",
        "voluntary context switches per operation",
        COUNT,
        LOWER,
        "voluntary context switches per operation, self and children (getrusage)",
    ),
    (
        "ctx_involuntary",
        "involuntary context switches per operation",
        COUNT,
        LOWER,
        "involuntary context switches per operation, self and children (getrusage)",
    ),
    (
        "ctx_switches",
        "context switches (perf) per operation",
        COUNT,
        LOWER,
        "perf software event context-switches per operation, inherited by threads and children",
    ),
    (
        "cpu_migrations",
        "CPU migrations per operation",
        COUNT,
        LOWER,
        "perf software event cpu-migrations per operation",
    ),
    ("page_faults", "page faults per operation", COUNT, LOWER, "perf software event page-faults per operation"),
    ("page_faults_major", "major page faults per operation", COUNT, LOWER, "major faults per operation (getrusage)"),
    ("task_clock_ns", "task clock per operation", NS, LOWER, "perf software event task-clock per operation"),
    # harness: latency
    ("lat_p50_ns", "p50", NS, LOWER, "median latency of one operation (or item, where the operation times items)"),
    ("lat_p90_ns", "p90", NS, LOWER, "90th percentile latency"),
    ("lat_p99_ns", "p99", NS, LOWER, "99th percentile latency (at least 100 samples)"),
    ("lat_p999_ns", "p99.9", NS, LOWER, "99.9th percentile latency (at least 1,000 samples)"),
    ("lat_max_ns", "max", NS, LOWER, "largest latency sample"),
    ("lat_samples", "latency samples", COUNT, NEITHER, "samples in the latency histogram"),
    # harness: failure injection (YB_FAILPOINT=slow:PCT@NAME, the gate's own error-rate check)
    (
        "failpoint_slowdown",
        "injected slowdown",
        RATIO,
        NEITHER,
        "slow failpoint: the timed loop's mean against the operation's calibrated time, minus 1",
    ),
    # coroutines
    (
        "heap_allocs_per_unit",
        "heap allocations per coroutine",
        COUNT,
        LOWER,
        "heap_allocs per coroutine created, its stack included (create_destroy, alive_many, skynet)",
    ),
    ("heap_bytes_per_unit", "heap bytes per coroutine", BYTES, LOWER, "alive_many: heap_peak_bytes / k"),
    ("rss_bytes_per_unit", "resident bytes per coroutine", BYTES, LOWER, "alive_many: rss_peak_bytes / k"),
    ("cpu_resumer", "resumer's CPU", CPU, NEITHER, "thread_handoff: the CPU the resuming thread was pinned to"),
    ("cpu_coroutine", "coroutine's CPU", CPU, NEITHER, "thread_handoff: the CPU the coroutine's thread was pinned to"),
    # parallelism
    (
        "worker_ctx_voluntary",
        "workers' voluntary switches per operation",
        COUNT,
        LOWER,
        "voluntary switches of the resident workers alone, per operation (/proc/<pid>/task/<tid>/status)",
    ),
    (
        "worker_ctx_involuntary",
        "workers' involuntary switches per operation",
        COUNT,
        LOWER,
        "involuntary switches of the resident workers alone, per operation",
    ),
    ("self_cpu", "caller's CPU", CPU, NEITHER, "ping_pong: the CPU the calling side ran on most"),
    ("peer_cpu", "peer's CPU", CPU, NEITHER, "ping_pong: the CPU the peer ran on most"),
    (
        "cross_cpu_share",
        "cross-CPU share",
        RATIO,
        NEITHER,
        "ping_pong: share of sampled round trips whose two sides ran on different CPUs",
    ),
    (
        "serial_ns",
        "serial reference time",
        NS,
        NEITHER,
        "cpu_sum: the same sum on the benchmark thread alone, median of 5 runs paired with parallel_ns's",
    ),
    (
        "parallel_ns",
        "paired parallel time",
        NS,
        NEITHER,
        "cpu_sum: the workers' operation, median of 5 runs alternating with serial_ns's, same clock and call",
    ),
    ("speedup", "speedup", RATIO, HIGHER, "cpu_sum: serial_ns / parallel_ns (like with like; ~1 for one worker)"),
    ("efficiency", "parallel efficiency", RATIO, HIGHER, "cpu_sum: speedup / workers"),
    (
        "speedup_bound",
        "speedup bound",
        RATIO,
        NEITHER,
        "cpu_sum (python track): the most speedup the work list allows its workers, total work / busiest worker's",
    ),
    (
        "pss_per_worker_bytes",
        "PSS per idle worker",
        BYTES,
        LOWER,
        "memory_per_worker: proportional set size per worker",
    ),
    ("rss_per_worker_bytes", "RSS per idle worker", BYTES, LOWER, "memory_per_worker: resident set size per worker"),
    ("page_table_per_worker_bytes", "page tables per idle worker", BYTES, LOWER, "memory_per_worker: VmPTE per worker"),
    # io
    ("requests", "requests per operation", COUNT, NEITHER, "echo: requests in one operation"),
    ("server_threads", "server threads", COUNT, NEITHER, "echo: threads the server runs"),
    (
        "ctx_voluntary_per_request",
        "voluntary switches per request",
        COUNT,
        LOWER,
        "echo: ctx_voluntary / requests per operation",
    ),
    (
        "ctx_involuntary_per_request",
        "involuntary switches per request",
        COUNT,
        LOWER,
        "echo: ctx_involuntary / requests per operation",
    ),
    ("cpu_ns_per_request", "CPU per request", NS, LOWER, "echo: process CPU time (client and server) per request"),
    ("client_cpu_ns_per_request", "client CPU per request", NS, LOWER, "echo: load generator CPU time per request"),
    ("server_cpu_ns_per_request", "server CPU per request", NS, LOWER, "echo: server CPU time per request"),
    (
        "heap_bytes_per_conn",
        "server heap per connection",
        BYTES,
        LOWER,
        "echo: server operator-new bytes per connection",
    ),
    (
        "stack_bytes_per_conn",
        "server stacks per connection",
        BYTES,
        LOWER,
        "echo: resident memory the server maps itself (thread and fiber stacks, buffer pools) per connection",
    ),
    (
        "kernel_bytes_per_conn",
        "kernel memory per connection",
        BYTES,
        LOWER,
        "echo (C >= 256): growth of KernelStack + SUnreclaim + PageTables per connection, machine-wide",
        "the machine's unreclaimable kernel memory did not grow while the connections opened (other work freed "
        "at least as much), so their share cannot be read from it",
    ),
    ("offered_requests_per_second", "offered load", PER_SECOND, NEITHER, "echo load:open: the fixed request rate"),
    (
        "closed_loop_requests_per_second",
        "closed-loop rate",
        PER_SECOND,
        HIGHER,
        "echo load:open: the closed-loop rate measured just before, which the offered load is a share of",
    ),
    (
        "page_cache_resident",
        "page-cache residency",
        RATIO,
        NEITHER,
        "file_read: share of the file still in the page cache after measuring (mincore, 0..1)",
    ),
    # python track
    ("object_bytes", "object size", BYTES, LOWER, "python generators: sys.getsizeof of the generator or list"),
    ("create_ns", "creation time", NS, LOWER, "python generators: time to create the generator or list"),
)

# The counters every benchmark is asked for (where the machine can measure them): a missing one is listed as
# "not measured" with the run context's reason. bytes_per_unit only where a unit exists.
REQUIRED = (
    "items_per_second",
    "heap_allocs",
    "heap_peak_bytes",
    "heap_total_bytes",
    "rss_peak_bytes",
    "bytes_per_unit",
    "ctx_voluntary",
    "ctx_involuntary",
    "ctx_switches",
    "cpu_migrations",
    "page_faults",
    "lat_p50_ns",
    "lat_p90_ns",
    "lat_p99_ns",
    "lat_p999_ns",
    "lat_max_ns",
)
OPTIONAL = ("bytes_per_unit",)

# Fields of a Google Benchmark entry that are bookkeeping, not measurements.
BOOKKEEPING = (
    "name",
    "run_name",
    "run_type",
    "family_index",
    "per_family_instance_index",
    "repetitions",
    "repetition_index",
    "threads",
    "iterations",
    "time_unit",
    "aggregate_name",
    "aggregate_unit",
    "error_occurred",
    "error_message",
    "skipped",
    "skip_message",
    "label",
    "json_schema_version",
    "omitted",
    "process_index",  # which start of the family executable made the entry (several in an A/B run)
)


def get(name: str) -> Counter:
    """The registered counter; KeyError names it when it is not registered."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"counter '{name}' is not in ybresults/counters.py") from None


def title(name: str) -> str:
    counter = REGISTRY.get(name)
    return counter.title if counter else name.replace("_", " ")


def unregistered(entries: list) -> list:
    """The numeric fields of Google Benchmark entries that are neither bookkeeping nor registered counters,
    sorted: what a benchmark emits that the summary, the reports and the gate would not know."""
    known = set(REGISTRY) | set(BOOKKEEPING) | {"real_time", "cpu_time"}
    found = set()
    for entry in entries:
        if isinstance(entry, dict):
            found |= {
                key
                for key, value in entry.items()
                if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in known
            }
    return sorted(found)
