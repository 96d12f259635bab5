"""The metrics a report knows by name: what each means, its unit kind, and how the charts group them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str  # field name in the results (time is stored as time_ns after unit conversion)
    title: str  # words for axes and table headers
    kind: str  # "time" (ns), "bytes", "count" or "rate" (per second)


TIME = Metric("time_ns", "wall time per iteration", "time")
CPU_TIME = Metric("cpu_time_ns", "CPU time per iteration", "time")
ITEMS = Metric("items_per_second", "items per second", "rate")
HEAP_ALLOCS = Metric("heap_allocs", "heap allocations per iteration", "count")
HEAP_PEAK = Metric("heap_peak_bytes", "heap peak", "bytes")
HEAP_TOTAL = Metric("heap_total_bytes", "heap bytes allocated per iteration", "bytes")
RSS_PEAK = Metric("rss_peak_bytes", "RSS peak growth", "bytes")
BYTES_PER_UNIT = Metric("bytes_per_unit", "memory per unit", "bytes")
CTX_VOLUNTARY = Metric("ctx_voluntary", "voluntary context switches per operation", "count")
CTX_INVOLUNTARY = Metric("ctx_involuntary", "involuntary context switches per operation", "count")
CTX_SWITCHES = Metric("ctx_switches", "context switches (perf) per operation", "count")
CPU_MIGRATIONS = Metric("cpu_migrations", "CPU migrations per operation", "count")
PAGE_FAULTS = Metric("page_faults", "page faults per operation", "count")
TASK_CLOCK = Metric("task_clock_ns", "task clock per operation", "time")
LAT_P50 = Metric("lat_p50_ns", "p50", "time")
LAT_P90 = Metric("lat_p90_ns", "p90", "time")
LAT_P99 = Metric("lat_p99_ns", "p99", "time")
LAT_P999 = Metric("lat_p999_ns", "p99.9", "time")
LAT_MAX = Metric("lat_max_ns", "max", "time")

MEMORY = (HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT)
CONTEXT_SWITCHES = (CTX_VOLUNTARY, CTX_INVOLUNTARY)
LATENCY = (LAT_P50, LAT_P90, LAT_P99, LAT_P999, LAT_MAX)
# Drawn against every numeric parameter sweep.
SCALING = (TIME, HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT)
# Compared between results files (time first: it drives the comparison charts).
COMPARED = (TIME, HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT, LAT_P99)
# The counters DESIGN.md asks every benchmark for; a missing one is listed as "not measured".
DESIGN_COUNTERS = (
    ITEMS,
    HEAP_ALLOCS,
    HEAP_PEAK,
    HEAP_TOTAL,
    RSS_PEAK,
    BYTES_PER_UNIT,
    CTX_VOLUNTARY,
    CTX_INVOLUNTARY,
    CTX_SWITCHES,
    CPU_MIGRATIONS,
    PAGE_FAULTS,
) + LATENCY
# Optional by design: reported only "where a unit exists".
OPTIONAL = {BYTES_PER_UNIT.key}

BY_KEY = {m.key: m for m in (TIME, CPU_TIME, TASK_CLOCK) + DESIGN_COUNTERS}
