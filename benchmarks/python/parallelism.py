"""parallelism family in CPython: the seed's CPU-bound work list, sum(range(1, n + 1)) per entry, run
serially, on a ThreadPoolExecutor (one GIL: threads take turns) and on a ProcessPoolExecutor (one
interpreter per worker). The pools are started before the timed loop, like the C++ thread_pool and
process_pool; an operation is one executor.map over the list."""
import concurrent.futures
import time

import workloads as w
from registry import Benchmark, budget_skip, describe_impl, describe_workload, simple

FAMILY = "parallelism"
WORKERS = (1, 2)


def sum_to(n):
    """The one compute kernel (the seed's): sum(range(1, n + 1))."""
    return sum(range(1, n + 1))


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
    """What sum(range()) costs per number here, measured once (for the time budget's estimate)."""
    if not _seconds_per_number:
        started = time.perf_counter()
        sum_to(300_000)
        _seconds_per_number.append((time.perf_counter() - started) / 300_000)
    return _seconds_per_number[0]


def benchmarks():
    describe_workload(
        FAMILY,
        "cpu_sum",
        "the seed's work list, sum(range(1, n + 1)) per entry, shared among 1 or 2 "
        "workers (list:small is the balanced shape at 1/100 of the work, Python only)",
        "number",
    )
    describe_impl(FAMILY, "py_serial", "every entry on the benchmark thread, one after another")
    describe_impl(FAMILY, "py_thread_pool", "concurrent.futures.ThreadPoolExecutor, started beforehand (one GIL)")
    describe_impl(FAMILY, "py_process_pool", "concurrent.futures.ProcessPoolExecutor (fork), started beforehand")
    out = []
    for list_name, work_list in w.WORK_LISTS.items():
        expected, items = w.cpu_sum_checksum(work_list), sum(work_list)

        def skip(parallel, workers, items=items, largest=max(work_list)):
            # In parallel the longest worker sums at least its share, and at least the largest entry.
            numbers = max(items / workers, largest) if parallel else items
            what = f"{items:,} numbers summed per operation"
            return budget_skip(lambda: numbers * seconds_per_number(), what)

        out.append(
            Benchmark(
                FAMILY,
                "cpu_sum",
                "py_serial",
                (("list", list_name), ("workers", 1)),
                simple(lambda work=work_list: cpu_sum_serial(work)),
                expected,
                items,
                skip(False, 1),
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
                        skip(impl == "py_process_pool", workers),
                    )
                )
    return out
