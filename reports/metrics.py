"""The metrics a report draws and how it groups them; names, titles and units come from the counter
registry (ybresults/counters.py)."""
from dataclasses import dataclass

from ybresults import counters, items


@dataclass(frozen=True)
class Metric:
    key: str  # field name in the results (time is stored as time_ns after unit conversion)
    title: str  # words for axes and table headers
    kind: str  # "time" (ns), "bytes", "count" or "rate" (per second)


def _metric(name: str) -> Metric:
    counter = counters.get(name)
    return Metric(counter.name, counter.title, counter.kind)


TIME = _metric("time_ns")
CPU_TIME = _metric("cpu_time_ns")
ITEMS = _metric("items_per_second")
HEAP_ALLOCS = _metric("heap_allocs")
HEAP_PEAK = _metric("heap_peak_bytes")
HEAP_TOTAL = _metric("heap_total_bytes")
RSS_PEAK = _metric("rss_peak_bytes")
BYTES_PER_UNIT = _metric("bytes_per_unit")
CTX_VOLUNTARY = _metric("ctx_voluntary")
CTX_INVOLUNTARY = _metric("ctx_involuntary")
CTX_SWITCHES = _metric("ctx_switches")
CPU_MIGRATIONS = _metric("cpu_migrations")
PAGE_FAULTS = _metric("page_faults")
TASK_CLOCK = _metric("task_clock_ns")
LAT_P50 = _metric("lat_p50_ns")
LAT_P90 = _metric("lat_p90_ns")
LAT_P99 = _metric("lat_p99_ns")
LAT_P999 = _metric("lat_p999_ns")
LAT_MAX = _metric("lat_max_ns")

# Wall time, per operation or per item: what the noise verdict (unstable) speaks of.
TIMES = (TIME.key, items.TIME_PER_ITEM)
MEMORY = (HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT)
CONTEXT_SWITCHES = (CTX_VOLUNTARY, CTX_INVOLUNTARY)
LATENCY = (LAT_P50, LAT_P90, LAT_P99, LAT_P999, LAT_MAX)
# Drawn against every numeric parameter sweep.
SCALING = (TIME, HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT)
# Compared between results files (time first: it drives the comparison charts).
COMPARED = (TIME, HEAP_PEAK, RSS_PEAK, BYTES_PER_UNIT, LAT_P99)
# The counters every benchmark is asked for; a missing one is listed as "not measured".
DESIGN_COUNTERS = tuple(_metric(name) for name in counters.REQUIRED)
# Optional by design: reported only "where a unit exists".
OPTIONAL = set(counters.OPTIONAL)

BY_KEY = {m.key: m for m in (TIME, CPU_TIME, TASK_CLOCK) + DESIGN_COUNTERS}


def time_per_item(noun: str) -> Metric:
    """Wall time per item, the item named: "wall time per round trip" (derived from items_per_second)."""
    return Metric(items.TIME_PER_ITEM, f"wall time {items.per(noun)}", "time")


def headline_time(benches: list) -> Metric:
    """What a workload's time is shown as: per item where its benchmarks declare items, else per operation."""
    ran = [b for b in benches if not b.failed]
    if ran and any(b.has(items.TIME_PER_ITEM) for b in ran):
        return time_per_item(ran[0].item)
    return TIME
