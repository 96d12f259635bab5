"""The columns of benchmark tables (HTML and Markdown alike): which exist for a set of benchmarks and how
each cell reads. A metric column appears only when some benchmark in the table reported it."""
from dataclasses import dataclass
from typing import Callable

from ybresults import items, units
from ybresults.progress import SKIPPED

from . import metrics
from .model import case_label, sort_key_params


@dataclass
class Column:
    header: str
    cell: Callable  # Benchmark -> str
    metric: str = None  # the metric it shows; None for descriptive columns


def _value(metric):
    return lambda b: "" if b.failed else units.fmt_value(metric.kind, b.value(metric.key))


def _spread(b):
    spread = None if b.failed else b.interval(metrics.TIME.key)
    if not spread:
        return "–"
    return f"{units.fmt_time(spread[0])} – {units.fmt_time(spread[1])}"


def _cv(b):
    cv = None if b.failed else b.cv()
    return "–" if cv is None else f"{cv * 100:.1f}%"


def notes(b) -> str:
    parts = []
    if b.skipped:
        parts.append(f"SKIPPED: {b.error[len(SKIPPED):]}")
    elif b.failed:
        parts.append(f"FAILED: {b.error}")
    elif b.unstable:
        parts.append("⚠ unstable")
    parts.extend(b.labels)
    return "; ".join(parts)


METRIC_COLUMNS = [
    Column("time / op (median)", _value(metrics.TIME), metrics.TIME.key),
    Column("time / op min – max", _spread, metrics.TIME.key),
    Column("reps", lambda b: "" if b.failed else str(b.count()), metrics.TIME.key),
    Column("cv", _cv, metrics.TIME.key),
    Column("CPU time / iter", _value(metrics.CPU_TIME), metrics.CPU_TIME.key),
    Column("items/s", _value(metrics.ITEMS), metrics.ITEMS.key),
    Column("heap allocs", _value(metrics.HEAP_ALLOCS), metrics.HEAP_ALLOCS.key),
    Column("heap peak", _value(metrics.HEAP_PEAK), metrics.HEAP_PEAK.key),
    Column("heap total", _value(metrics.HEAP_TOTAL), metrics.HEAP_TOTAL.key),
    Column("RSS peak", _value(metrics.RSS_PEAK), metrics.RSS_PEAK.key),
    Column("bytes / unit", _value(metrics.BYTES_PER_UNIT), metrics.BYTES_PER_UNIT.key),
    Column("ctx vol / op", _value(metrics.CTX_VOLUNTARY), metrics.CTX_VOLUNTARY.key),
    Column("ctx invol / op", _value(metrics.CTX_INVOLUNTARY), metrics.CTX_INVOLUNTARY.key),
    Column("ctx (perf) / op", _value(metrics.CTX_SWITCHES), metrics.CTX_SWITCHES.key),
    Column("migrations / op", _value(metrics.CPU_MIGRATIONS), metrics.CPU_MIGRATIONS.key),
    Column("page faults / op", _value(metrics.PAGE_FAULTS), metrics.PAGE_FAULTS.key),
] + [Column(f"lat {m.title}", _value(m), m.key) for m in metrics.LATENCY]

NAME_COLUMNS = [Column("implementation", lambda b: b.impl), Column("parameters", lambda b: case_label(b.params))]
NOTES_COLUMN = Column("notes", notes)

# The short table of summary.md.
SUMMARY_METRICS = (
    metrics.TIME.key,
    metrics.HEAP_PEAK.key,
    metrics.RSS_PEAK.key,
    metrics.BYTES_PER_UNIT.key,
    metrics.LAT_P99.key,
)


def columns_for(benches: list, short: bool = False) -> list:
    """Name columns, the metric columns some benchmark reported, and notes."""
    chosen = []
    for column in METRIC_COLUMNS:
        if short and (column.metric not in SUMMARY_METRICS or column.header in ("time / op min – max", "reps")):
            continue
        if any(not b.failed and b.has(column.metric) for b in benches):
            chosen.append(column)
    time = metrics.headline_time(benches)
    if time.key == items.TIME_PER_ITEM:  # time per item leads, named; time per operation stays beside it
        chosen.insert(0, Column(f"{time.title} (median)", _value(time), time.key))
    return NAME_COLUMNS + chosen + [NOTES_COLUMN]


def ordered(benches: list) -> list:
    return sorted(
        benches, key=lambda b: (sort_key_params(b.params), b.failed, b.value(metrics.TIME.key) or 0.0, b.impl)
    )


CONTEXT_KEYS = (
    ("run id", ("yieldbench", "run_id")),
    ("profile", ("yieldbench", "profile")),
    ("repetitions", ("yieldbench", "repetitions")),
    ("families", ("yieldbench", "families")),
    ("partial run", ("yieldbench", "partial")),
    ("date", "date"),
    ("host", "host_name"),
    ("executable", "executable"),
    ("yieldbench version", "yb_version"),
    ("git commit", "git_commit"),
    ("compiler", "compiler"),
    ("C++ flags", "cxx_flags"),
    ("build preset", "build_preset"),
    ("kernel", "kernel"),
    ("CPU model", "cpu_model"),
    ("CPUs", "num_cpus"),
    ("MHz per CPU", "mhz_per_cpu"),
    ("CPU frequency scaling", "cpu_scaling_enabled"),
    ("hypervisor", "hypervisor"),
    ("hardware counters", "hardware_counters"),
    ("caches", "caches"),
    ("load average", "load_avg"),
    ("Google Benchmark library build", "library_build_type"),
)


def _context_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):  # caches
            return ", ".join(
                f"L{c.get('level', '?')} {str(c.get('type', '')).lower()} "
                f"{units.fmt_bytes(c.get('size')) if isinstance(c.get('size'), (int, float)) else '?'}"
                for c in value
            )
        return ", ".join(units.sig(v) if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, float):
        return units.sig(value, 4)
    return str(value)


def context_rows(files: list) -> list:
    """[(label, [text per file])]: the known keys first, then whatever else the contexts hold."""
    rows = []
    used = set()
    for label, key in CONTEXT_KEYS:
        texts = []
        for results in files:
            if isinstance(key, tuple):
                value = results.meta.get(key[1])
            else:
                value = results.context.get(key)
                used.add(key)
            texts.append("" if value is None else _context_text(value))
        if any(texts):
            rows.append((label, texts))
    used.add("unavailable_metrics")
    extra = []
    for results in files:
        for key in results.context:
            if key not in used and key not in extra and not items.is_context_key(key):
                extra.append(key)
    for key in extra:
        rows.append((key, ["" if r.context.get(key) is None else _context_text(r.context.get(key)) for r in files]))
    return rows
