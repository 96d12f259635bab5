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

_STATE = {}  # set before the workers fork: report, compared groups, output folder


def _save(chart, out):
    data = figures.png_bytes(chart.figure)
    chart.figure = None
    write_atomic(out / chart.filename, data)
    return chart


def _job(key):
    report, out = _STATE["report"], _STATE["out"]
    kind, section, workload = key
    if kind == "compare":
        items = _STATE["compared"][(section, workload)]
        colors = compare_charts.distinct_colors(items)
        found = compare_charts.workload_comparison_charts(report, section, workload, items, colors)
    else:
        benches = report.sections()[section][workload]
        found = charts.workload_charts(section, workload, benches, palette.distinct(b.impl for b in benches))
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
    keys = [("compare", s, w) for s, w in groups]
    keys += [("run", s, w) for s, workloads in report.sections().items() for w in workloads]
    _STATE.update(report=report, compared=groups, out=out)
    try:
        count = workers(len(keys))
        if count == 1 or threading.active_count() > 1:
            results = [_job(key) for key in keys]
        else:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(_job, keys))
    finally:
        _STATE.clear()
    return [chart for found in results for chart in found]
