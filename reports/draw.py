"""Drawing and saving every chart of a report, one job per workload, spread over the CPUs.

Each job builds its figures, writes them as PNGs (atomically) and returns the charts without their figures.
Jobs run in forked worker processes where there is more than one CPU and more than one job (they inherit the
loaded report, nothing is pickled but the job key and the results) and this process has no other threads
(forking a threaded process can deadlock); otherwise in this process."""
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from . import charts
from . import colors as palette
from . import compare, compare_charts, figures
from .output import write_atomic

PANELS_PER_CASE = {"memory": 3, "scaling": 3}
_STATE = {}  # set before the workers fork: report, compared groups, output folder


def _save(chart, out):
    data = figures.png_bytes(chart.figure)
    chart.figure = None
    write_atomic(out / chart.filename, data)
    return chart


def _job(key):
    report, out = _STATE["report"], _STATE["out"]
    kind, section, workload, chart_kind = key
    if kind == "compare":
        items = _STATE["compared"][(section, workload)]
        colors = compare_charts.distinct_colors(items)
        found = compare_charts.workload_comparison_charts(report, section, workload, items, colors)
    else:
        benches = report.sections()[section][workload]
        colors = palette.distinct(b.impl for b in benches)
        found = charts.workload_charts(section, workload, benches, colors, (chart_kind,))
    return [_save(chart, out) for chart in found]


def workers(jobs: int) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, jobs))


def draw_all(report, compared: list, out) -> list:
    """Every chart, comparison first, in reading order; returns them with figures already written. Colours
    come from the implementations' names (reports/colors.py), distinct within each workload's charts."""
    groups = compare.grouped(compared)
    keys = [("compare", s, w, "") for s, w in groups]
    keys += [
        ("run", s, w, kind) for s, workloads in report.sections().items() for w in workloads for kind in charts.KINDS
    ]
    _STATE.update(report=report, compared=groups, out=out)
    try:
        count = workers(len(keys))
        if count == 1 or threading.active_count() > 1:
            results = dict(zip(keys, map(_job, keys)))
        else:
            # the largest jobs first, so that no worker is left with a big one while the other idles
            order = sorted(keys, key=lambda key: -_size(report, groups, key))
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                results = dict(zip(order, pool.map(_job, order)))
    finally:
        _STATE.clear()
    return [chart for key in keys for chart in results[key]]


def _size(report, groups: dict, key) -> int:
    """Roughly how much a job draws: its benchmarks (versions, for comparisons) times its panels per case."""
    kind, section, workload, chart_kind = key
    if kind == "compare":
        return sum(len(item.versions) for item in groups[(section, workload)])
    return len(report.sections()[section][workload]) * PANELS_PER_CASE.get(chart_kind, 1)
