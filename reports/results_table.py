"""The table of every result at the top of index.html: one row per benchmark, the metrics any benchmark
reported, and in a comparison the baseline's time and the change. Each cell is (text, sort value): the page
sorts numbers by value, not by their text, and filters on the text."""
from dataclasses import dataclass
from typing import Callable

from ybresults import items, units

from . import metrics
from .model import case_label, family_rank, sort_key_params

# Metric -> its short header (the full title is the header's tooltip): the table stays one screen wide.
TABLE_METRICS = {
    metrics.time_per_item("item"): "time/item",
    metrics.TIME: "time/op",
    metrics.CPU_TIME: "CPU time",
    metrics.HEAP_PEAK: "heap peak",
    metrics.RSS_PEAK: "RSS peak",
    metrics.BYTES_PER_UNIT: "bytes/unit",
    metrics.CTX_VOLUNTARY: "ctx vol",
    metrics.CTX_INVOLUNTARY: "ctx invol",
    metrics.LAT_P50: "p50",
    metrics.LAT_P99: "p99",
}


@dataclass
class Column:
    header: str
    cell: Callable  # Benchmark -> (text, sort value or None)
    numeric: bool = False
    title: str = ""  # the header's tooltip
    clip: bool = False  # long text: cut at the column's width, whole in the cell's tooltip
    css: Callable = None  # cell text -> a class of the page's CSS, or ""


def status(bench) -> str:
    if bench.failed:
        return bench.status
    return "unstable" if bench.unstable else "ok"


def _text(get) -> Callable:
    return lambda b: (get(b), None)


def _metric(metric) -> Callable:
    def cell(bench):
        value = None if bench.failed else bench.value(metric.key)
        if value is None:
            return ("", None)
        text = units.fmt_value(metric.kind, value)
        # Time per item names its item: "12 ns per round trip".
        return (f"{text} {items.per(bench.item)}" if metric.key == items.TIME_PER_ITEM else text, value)

    return cell


def _cv(bench):
    cv = None if bench.failed else bench.cv()
    return ("", None) if cv is None else (f"{cv * 100:.1f}%", cv)


def _notes(bench) -> tuple:
    return ("; ".join(([bench.error] if bench.failed else []) + list(bench.labels)), None)


def columns(benches: list, changes: dict) -> list:
    """The columns for `benches`; with `changes` ({run_name: Change of time}) the comparison columns too."""
    found = [
        Column("section", _text(lambda b: b.section)),
        Column("workload", _text(lambda b: b.workload)),
        Column("implementation", _text(lambda b: b.series)),
        Column("parameters", _text(lambda b: case_label(b.case))),
        Column("status", _text(status)),
    ]
    for metric, header in TABLE_METRICS.items():
        if any(not b.failed and b.has(metric.key) for b in benches):
            found.append(Column(header, _metric(metric), numeric=True, title=metric.title))
            if metric is metrics.TIME and changes:  # the comparison next to the time it is about
                found += [
                    Column(
                        "baseline", lambda b: _baseline(changes.get(b.run_name)), numeric=True, title="baseline time"
                    ),
                    Column("change", lambda b: _change(changes.get(b.run_name)), numeric=True, title="time change"),
                    Column("verdict", _text(lambda b: _verdict(changes.get(b.run_name))), css=_verdict_class),
                ]
            if metric is metrics.TIME:
                found.append(Column("cv", _cv, numeric=True, title="coefficient of variation of the time"))
    found.append(Column("notes", _notes, clip=True))
    return found


def _baseline(change) -> tuple:
    return ("", None) if change is None else (units.fmt_time(change.base), change.base)


def _change(change) -> tuple:
    if change is None:
        return ("", None)
    ratio = change.ratio if abs(change.ratio) != float("inf") else (1e300 if change.ratio > 0 else -1e300)
    return (units.fmt_pct(change.ratio), ratio)


def _verdict(change) -> str:
    if change is None:
        return ""
    if not change.beyond_noise:
        return "within noise"
    return "slower, beyond noise" if change.worse else "faster, beyond noise"


def _verdict_class(text: str) -> str:
    if not text.endswith("beyond noise"):
        return ""
    return "verdict-worse" if text.startswith("slower") else "verdict-better"


def rows(report, compared: list) -> tuple:
    """(columns, [[(text, sort value), ...] per benchmark]) in section, workload, case, implementation order."""
    changes = {item.run_name: item.change(metrics.TIME.key) for item in compared}
    changes = {k: v for k, v in changes.items() if v is not None}
    benches = sorted(
        report.current,
        key=lambda b: (family_rank(b.section), b.workload, sort_key_params(b.case), b.series),
    )
    chosen = columns(benches, changes)
    return chosen, [[column.cell(b) for column in chosen] for b in benches]
