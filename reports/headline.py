"""The answers a report opens with: per section (matchup) and workload, at its largest case, each
implementation's time per item (the item named), memory per unit and context switches per item, with the
fastest and the leanest marked. index.html and summary.md draw the same rows."""
from dataclasses import dataclass, field

from ybresults import items, units

from . import metrics
from .model import case_label, cases

FASTEST, LEANEST = "fastest", "leanest"


@dataclass
class Row:
    bench: object
    time: float = None  # per item where the workload declares items, else per operation (ns)
    time_per_op: float = None
    times_fastest: float = None  # time / the case's fastest time
    memory: float = None
    ctx: float = None  # voluntary + involuntary, per item (or per operation)
    marks: list = field(default_factory=list)  # FASTEST, LEANEST


@dataclass
class Case:
    params: tuple
    rows: list

    @property
    def label(self) -> str:
        return case_label(self.params)


@dataclass
class Table:
    section: str
    workload: str
    time: metrics.Metric  # time per item (named) or per operation
    per: str  # "per round trip", or "per operation"
    memory: metrics.Metric  # memory per unit where the workload has units, else heap peak (None: not measured)
    cases: list


def _memory_metric(ran: list):
    for metric in (metrics.BYTES_PER_UNIT, metrics.HEAP_PEAK, metrics.RSS_PEAK):
        if any(b.has(metric.key) for b in ran):
            return metric
    return None


def _ctx(bench, per_item: bool):
    voluntary = bench.value(metrics.CTX_VOLUNTARY.key)
    involuntary = bench.value(metrics.CTX_INVOLUNTARY.key)
    if voluntary is None and involuntary is None:
        return None
    total = (voluntary or 0) + (involuntary or 0)
    if not per_item:
        return total
    count = bench.items_per_operation()
    return total / count if count else None


def _mark(rows: list, attribute: str, mark: str) -> None:
    values = [getattr(r, attribute) for r in rows if getattr(r, attribute) is not None]
    if len(values) < 2 or min(values) == max(values):
        return  # one contender, or all alike: nobody stands out
    for row in rows:
        if getattr(row, attribute) == min(values):
            row.marks.append(mark)


def _case(params: tuple, members: list, time, memory, per_item: bool) -> Case:
    rows = []
    for bench in members:
        if bench.failed:
            rows.append(Row(bench))
            continue
        rows.append(
            Row(
                bench,
                time=bench.value(time.key),
                time_per_op=bench.value(metrics.TIME.key),
                memory=bench.value(memory.key) if memory else None,
                ctx=_ctx(bench, per_item),
            )
        )
    fastest = min((r.time for r in rows if r.time), default=None)
    for row in rows:
        if row.time is not None and fastest:
            row.times_fastest = row.time / fastest
    _mark(rows, "time", FASTEST)
    _mark(rows, "memory", LEANEST)
    rows.sort(key=lambda r: (r.bench.failed, r.time is None, r.time or 0.0, r.bench.series))
    return Case(params, rows)


def table(section: str, workload: str, benches: list) -> Table:
    """The workload's answer at scale: its last case in natural order (the largest n, the most connections).
    Every case stays in the per-workload tables under Details."""
    time = metrics.headline_time(benches)
    per_item = time.key == items.TIME_PER_ITEM
    ran = [b for b in benches if not b.failed]
    memory = _memory_metric(ran)
    params, members = list(cases(benches).items())[-1]
    per = items.per(ran[0].item) if per_item and ran else "per operation"
    return Table(section, workload, time, per, memory, [_case(params, members, time, memory, per_item)])


def tables(report) -> list:
    """One Table per section and workload, in report order."""
    return [
        table(section, workload, benches)
        for section, workloads in report.sections().items()
        for workload, benches in workloads.items()
    ]


def headers(t: Table) -> list:
    memory = "memory" if t.memory is None else t.memory.title
    return [
        "case",
        "implementation",
        t.time.title,
        "× fastest",
        "wall time per operation",
        memory,
        f"context switches {t.per}",
        "notes",
    ]


def cells(t: Table, case: Case, row: Row) -> list:
    """The row's texts; a benchmark that did not run says skipped or failed, nothing else."""
    bench = row.bench
    if bench.failed:
        return [case.label, bench.series, bench.status, "", "", "", "", ""]
    notes = list(row.marks)
    if bench.unstable:
        notes.append("⚠ unstable")
    return [
        case.label,
        bench.series,
        units.fmt_time(row.time) if row.time is not None else "–",
        _times(row.times_fastest),
        units.fmt_time(row.time_per_op) if row.time_per_op is not None else "–",
        units.fmt_value(t.memory.kind, row.memory) if t.memory and row.memory is not None else "–",
        units.fmt_small_count(row.ctx),
        ", ".join(notes),
    ]


def _times(ratio) -> str:
    if ratio is None:
        return "–"
    return f"{ratio:.2f}×" if ratio < 10 else f"{units.sig(ratio)}×"


def counts(benches: list) -> dict:
    """{'ran': n, 'skipped': n, 'failed': n}."""
    found = {"ran": 0, "skipped": 0, "failed": 0}
    for bench in benches:
        found[bench.status] += 1
    return found


def counts_text(benches: list) -> str:
    c = counts(benches)
    return f"{len(benches)} benchmarks: {c['ran']} ran, {c['skipped']} skipped, {c['failed']} failed"
