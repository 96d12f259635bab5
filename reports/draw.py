"""Drawing and saving every chart of a report, one job per workload, spread over the CPUs.

Each job builds its figures, writes them as PNGs (atomically) and returns the charts without their figures.
Jobs run in forked worker processes where there is more than one CPU and more than one job (they inherit the
loaded report, nothing is pickled but the job key and the results) and this process has no other threads
(forking a threaded process can deadlock); otherwise in this process."""
import io
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from . import charts, compare, compare_charts, figures
from .output import write_atomic

_STATE = {}  # set before the workers fork: report, compared groups, palette, output folder


def _save(chart, out):
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=figures.DPI)
    chart.figure = None
    write_atomic(out / chart.filename, buffer.getvalue())
    return chart


def _job(key):
    report, palette, out = _STATE["report"], _STATE["palette"], _STATE["out"]
    kind, section, workload = key
    if kind == "compare":
        items = _STATE["compared"][(section, workload)]
        found = compare_charts.workload_comparison_charts(report, section, workload, items, palette)
    else:
        benches = report.sections()[section][workload]
        found = charts.workload_charts(section, workload, benches, palette)
    return [_save(chart, out) for chart in found]


def workers(jobs: int) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, jobs))


def draw_all(report, compared: list, palette: dict, out) -> list:
    """Every chart, comparison first, in reading order; returns them with figures already written."""
    groups = compare.grouped(compared)
    keys = [("compare", s, w) for s, w in groups]
    keys += [("run", s, w) for s, workloads in report.sections().items() for w in workloads]
    _STATE.update(report=report, compared=groups, palette=palette, out=out)
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
