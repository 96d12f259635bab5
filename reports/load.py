"""Results files as the report draws them: ybresults reads and checks each file; here its benchmarks
become the report's (reports.model.Benchmark), and files of the same run get distinct labels."""
import re

import ybresults
from ybresults import items

from .model import Benchmark, ResultsFile

_DIGITS = re.compile(r"[0-9]+(\.[0-9]+)?")


def _shape(label: str) -> str:
    return _DIGITS.sub("#", label)


def _with_time_per_item(values: dict, timed: bool) -> dict:
    """`values` plus the time per item where the benchmark declares items (ybresults.items); not in instruction
    mode, where no wall time is reported."""
    per_item = items.ns_per_item(values.get("items_per_second")) if timed else None
    return {**values, items.TIME_PER_ITEM: per_item} if per_item is not None else dict(values)


def load_results(path, index: int = 0) -> ResultsFile:
    """Read one results file. Raises ReportError (ybresults.ResultsError) for anything a report cannot be
    drawn from."""
    results = ybresults.load(path)
    timed = results.measure == "time"
    loaded = ResultsFile(str(path), results.label, results.context, results.meta, [], list(results.ignored))
    for run_name, source in results.benchmarks.items():
        name = source.name
        bench = Benchmark(run_name, name.family, name.workload, name.implementation, name.params, index)
        bench.noise = source.noise
        bench.item = source.item
        bench.error = source.error
        for label in source.labels:
            if _shape(label) not in {_shape(seen) for seen in bench.labels}:
                bench.labels.append(label)  # repetitions' labels that differ only in numbers are said once
        for values in source.repetitions:
            for key, value in _with_time_per_item(values, timed).items():
                bench.samples.setdefault(key, []).append(value)
        bench.aggregates = {
            name: _with_time_per_item(values, timed) if name in ("mean", "median") else dict(values)
            for name, values in source.aggregates.items()
        }
        loaded.benchmarks.append(bench)
    return loaded


def load_all(paths: list) -> list:
    """Every file, in order; the first bad one raises ReportError before anything is written."""
    files = [load_results(path, i) for i, path in enumerate(paths)]
    seen = {}
    for results in files:
        base = results.label
        n = seen.get(base, 0) + 1
        seen[base] = n
        if n > 1:
            results.label = f"{base} ({n})"
    return files
