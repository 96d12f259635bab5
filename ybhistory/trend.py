"""Trend charts: per benchmark the median of each run with the spread of its repetitions (min to max), against
run order (oldest left; the axis names each run's commit and date), one chart per workload with its
implementations, detected change points marked with a triangle and a dotted line."""
import math
import pathlib
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from ybresults import names, units  # noqa: E402

from . import changes  # noqa: E402

MAX_TICKS = 12
REPORT_RUNS = 100  # the report's trends: the last 100 runs, read in two queries however long the history
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


@dataclass(frozen=True)
class TrendChart:
    workload: str  # family/workload
    path: pathlib.Path
    series: int
    steps: tuple  # changes.Step marked on it


def by_workload(series: dict) -> dict:
    """{family/workload: {name: points}} of {name: points}, names sorted."""
    grouped = {}
    for name in sorted(series):
        parsed = names.parse_name(name)
        workload = f"{parsed.family}/{parsed.workload}" if parsed else name
        grouped.setdefault(workload, {})[name] = series[name]
    return grouped


def _series_label(name: str) -> str:
    parsed = names.parse_name(name)
    if parsed is None:
        return name
    return " ".join([parsed.implementation, *(f"{key}:{value}" for key, value in parsed.params)])


def draw(workload: str, series: dict, steps: dict, measure: str) -> Figure:
    """The chart of one workload: {name: [Point with values]} and {name: [Step]}."""
    runs = sorted({(p.date, p.run_id, p.commit) for points in series.values() for p in points})
    position = {run_id: index for index, (_date, run_id, _commit) in enumerate(runs)}
    figure = Figure(figsize=(9, 4.2), dpi=100)
    axes = figure.add_subplot(1, 1, 1)
    for number, (name, points) in enumerate(series.items()):
        color = COLORS[number % len(COLORS)]
        x = [position[p.run_id] for p in points]
        medians = [p.median for p in points]
        low = [min(p.values) if p.values else p.median for p in points]
        high = [max(p.values) if p.values else p.median for p in points]
        axes.plot(x, medians, marker="o", markersize=3, linewidth=1.2, color=color, label=_series_label(name))
        axes.fill_between(x, low, high, color=color, alpha=0.18, linewidth=0)
        for step in steps.get(name, ()):
            at = position[points[step.index].run_id]
            axes.axvline(at - 0.5, color=color, linestyle=":", linewidth=1)
            axes.plot([at], [step.after], marker="^" if step.change > 0 else "v", markersize=9, color=color)
            axes.annotate(
                f"{step.change:+.0%}", (at, step.after), textcoords="offset points", xytext=(4, 6), fontsize=7
            )
    every = max(1, math.ceil(len(runs) / MAX_TICKS))
    ticks = list(range(0, len(runs), every))
    axes.set_xticks(ticks)
    axes.set_xticklabels([f"{runs[i][2][:7]}\n{runs[i][0][5:10]}" for i in ticks], fontsize=7)
    axes.set_xlabel("runs in date order (commit, month-day)")
    unit = "instructions per operation" if measure == "instructions" else "time per operation"
    axes.set_ylabel(unit)
    lows = [min(p.values or [p.median]) for points in series.values() for p in points]
    highs = [max(p.values or [p.median]) for points in series.values() for p in points]
    if lows and min(lows) > 0 and max(highs) / min(lows) > 50:
        axes.set_yscale("log")  # sizes from n:1000 to n:2000000 on one chart: each line readable
        axes.set_ylabel(f"{unit} (log scale)")
    else:
        axes.set_ylim(bottom=0)
    if measure != "instructions":
        axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: units.fmt_time(value)))
    axes.grid(True, alpha=0.3)
    axes.set_title(f"{workload}: median per run, min–max shaded, ▲▼ change points", fontsize=9, loc="left")
    if len(series) <= 12:
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.tight_layout()
    return figure


def draw_all(store, machine_class: str, measure: str, out: pathlib.Path, wanted: list = None, last: int = None) -> list:
    """One PNG per workload of the history (or of the benchmark names `wanted`) under `out`, over the `last`
    runs (None: every run; the report draws the last REPORT_RUNS); [TrendChart]."""
    if last is None:
        medians = store.medians(machine_class, measure, wanted)
        series = {name: store.trend(name, machine_class, measure) for name in medians}
    else:
        series = store.recent(machine_class, measure, wanted, last)
    out.mkdir(parents=True, exist_ok=True)
    charts = []
    for workload, group in by_workload(series).items():
        group = {name: points for name, points in group.items() if points}
        if not group:
            continue
        found = {name: changes.steps(name, points) for name, points in group.items()}
        figure = draw(workload, group, found, measure)
        path = out / f"trend-{workload.replace('/', '-')}.png"
        figure.savefig(path)
        charts.append(TrendChart(workload, path, len(group), tuple(s for steps in found.values() for s in steps)))
    return charts
