"""parallelism family in CPython: the seed's CPU-bound work list, sum(n for n in range(1, n + 1)) per entry
(the seed's own work function: the generator keeps the interpreter, and so the GIL, busy), run serially, on a
ThreadPoolExecutor (one GIL: threads take turns) and on a ProcessPoolExecutor (one interpreter per worker).
The pools are started before the timed loop, like the C++ thread_pool and process_pool; an operation is one
executor.map over the list. Operations of seconds (the seed's and balanced lists) are measured once in the
short profiles (budget.py)."""
import concurrent.futures
import time

import workloads as w
from registry import Benchmark, describe_impl, describe_workload, simple

FAMILY = "parallelism"
WORKERS = (1, 2)


def sum_to(n):
    """The one compute kernel, the seed's: a generator expression summed, every number through the interpreter."""
    return sum(i for i in range(1, n + 1))


def cpu_sum_serial(work_list):
    return w.combine_results([sum_to(n) for n in work_list])


def _pool_setup(kind, workers, work_list):
    def setup():
        executor = kind(max_workers=workers)
        list(executor.map(sum_to, [1] * workers))  # every worker started before anything is timed

        def operation():
            return w.combine_results(list(executor.map(sum_to, work_list)))

        return operation, lambda: executor.shutdown(wait=True)

    return setup


_seconds_per_number = []


def seconds_per_number():
    """What sum_to costs per number here, measured once (for the time budget's estimate)."""
    if not _seconds_per_number:
        started = time.perf_counter()
        sum_to(300_000)
        _seconds_per_number.append((time.perf_counter() - started) / 300_000)
    return _seconds_per_number[0]


def benchmarks():
    describe_workload(
        FAMILY,
        "cpu_sum",
        "the seed's work list, sum(n for n in range(1, n + 1)) per entry, shared among 1 or 2 "
        "workers (list:balanced is its total in four equal entries; list:small is that at 1/100 of the work, "
        "Python only)",
        "number",
    )
    describe_impl(FAMILY, "py_serial", "every entry on the benchmark thread, one after another")
    describe_impl(FAMILY, "py_thread_pool", "concurrent.futures.ThreadPoolExecutor, started beforehand (one GIL)")
    describe_impl(FAMILY, "py_process_pool", "concurrent.futures.ProcessPoolExecutor (fork), started beforehand")
    out = []
    for list_name, work_list in w.WORK_LISTS.items():
        expected, items = w.cpu_sum_checksum(work_list), sum(work_list)

        def estimate(parallel, workers, work_list=work_list, items=items):
            # In parallel the busiest worker sums its share as the pool hands the list out.
            numbers = items / w.speedup_bound(work_list, workers) if parallel else items
            return lambda: numbers * seconds_per_number()

        def bound(workers, work_list=work_list):
            return lambda: {"speedup_bound": w.speedup_bound(work_list, workers)}

        out.append(
            Benchmark(
                FAMILY,
                "cpu_sum",
                "py_serial",
                (("list", list_name), ("workers", 1)),
                simple(lambda work=work_list: cpu_sum_serial(work)),
                expected,
                items,
                estimate=estimate(False, 1),
                extra=bound(1),
            )
        )
        for impl, kind in (
            ("py_thread_pool", concurrent.futures.ThreadPoolExecutor),
            ("py_process_pool", concurrent.futures.ProcessPoolExecutor),
        ):
            for workers in WORKERS:
                out.append(
                    Benchmark(
                        FAMILY,
                        "cpu_sum",
                        impl,
                        (("list", list_name), ("workers", workers)),
                        _pool_setup(kind, workers, work_list),
                        expected,
                        items,
                        estimate=estimate(impl == "py_process_pool", workers),
                        extra=bound(workers),
                    )
                )
    return out
