"""What a report is drawn from: benchmarks (one per run_name, with their repetitions), results files, and the
grouping into sections, workloads and cases that every chart and table shares."""
import math
import statistics
from dataclasses import dataclass, field

from ybresults import items
from ybresults.noise import UNSTABLE_CV
from ybresults.progress import SKIPPED

from . import metrics

# Order of sections in reports; families not named here follow alphabetically.
FAMILY_ORDER = ("generators", "coroutines", "parallelism", "io", "python")
# Benchmarks of this family join the section of the C++ family that has a workload of the same name,
# so C++ and Python stand side by side in one chart (docs/design.md, "Purpose and users").
CROSS_LANGUAGE_FAMILY = "python"


def param_number(value: str):
    """A parameter value as a number, or None for words such as `cold` or `same_cpu`."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass
class Benchmark:
    """Every entry of one results file that shares a run_name: repetitions, aggregates, error, labels."""

    run_name: str
    family: str
    workload: str
    impl: str
    params: tuple  # ((key, value), ...) in name order; values are the strings of the name
    source: int  # index of the results file
    samples: dict = field(default_factory=dict)  # metric key -> [value per repetition]
    aggregates: dict = field(default_factory=dict)  # aggregate name (mean, median, stddev, cv) -> {metric: value}
    error: str = None  # error_message (or "skipped") when the benchmark failed or was skipped
    labels: list = field(default_factory=list)
    noise: dict = None  # the runner's yieldbench.noise entry: {"cv", "unstable", "repetitions"}
    section: str = ""  # the report section it is drawn in (its family, see CROSS_LANGUAGE_FAMILY)
    # Parameters every benchmark of the workload has (the chart panel: n=1000) and the rest, which only some
    # implementations have (eager_vector's pages=cold|warm): those make separate rows/lines in a panel.
    case_params: tuple = None
    variant: tuple = ()
    item: str = items.DEFAULT_NOUN  # what one operation is made of (ybresults/items.py)

    @property
    def case(self) -> tuple:
        return self.params if self.case_params is None else self.case_params

    @property
    def series(self) -> str:
        """The name of its bar or line in a chart: the implementation, plus its own extra parameters."""
        return self.impl + (f" ({case_label(self.variant)})" if self.variant else "")

    @property
    def failed(self) -> bool:
        """It did not run: skipped on this machine or failed (see `skipped`)."""
        return self.error is not None

    @property
    def skipped(self) -> bool:
        return self.error is not None and self.error.startswith(SKIPPED)

    @property
    def status(self) -> str:
        """'ran', 'skipped' or 'failed'."""
        return "skipped" if self.skipped else ("failed" if self.failed else "ran")

    def items_per_operation(self):
        return items.items_per_operation(self.value("time_ns"), self.value("items_per_second"))

    def has(self, metric: str) -> bool:
        return self.value(metric) is not None

    def value(self, metric: str):
        """The median over repetitions (or the single value); else the median/mean aggregate; else None."""
        values = self.samples.get(metric)
        if values:
            return statistics.median(values)
        for name in ("median", "mean"):
            value = self.aggregates.get(name, {}).get(metric)
            if value is not None:
                return value
        return None

    def count(self, metric: str = metrics.TIME.key) -> int:
        """How many repetitions the value of `metric` rests on."""
        values = self.samples.get(metric)
        if values:
            return len(values)
        if self.value(metric) is None:
            return 0
        reps = (self.noise or {}).get("repetitions")
        return int(reps) if isinstance(reps, (int, float)) and reps > 0 else 1

    def interval(self, metric: str):
        """(low, high) spread over repetitions: min..max of the samples, else median ± stddev aggregate."""
        values = self.samples.get(metric)
        if values and len(values) >= 2:
            return min(values), max(values)
        center = self.value(metric)
        stddev = self.aggregates.get("stddev", {}).get(metric)
        if center is not None and stddev is not None and not values:
            return center - stddev, center + stddev
        return None

    def cv(self, metric: str = metrics.TIME.key):
        """Coefficient of variation over repetitions (a ratio), or None with fewer than two."""
        if metric == metrics.TIME.key and self.noise and isinstance(self.noise.get("cv"), (int, float)):
            return float(self.noise["cv"])
        values = self.samples.get(metric)
        if values and len(values) >= 2:
            mean = statistics.fmean(values)
            return statistics.stdev(values) / mean if mean else 0.0
        value = self.aggregates.get("cv", {}).get(metric)
        return value

    @property
    def unstable(self) -> bool:
        if self.noise and isinstance(self.noise.get("unstable"), bool):
            return self.noise["unstable"]
        # Without the runner's verdict (plain Google Benchmark output): the spread of the repetitions.
        cv = self.cv()
        return cv is not None and cv > UNSTABLE_CV

    def case_label(self) -> str:
        return case_label(self.params)


def case_label(params: tuple) -> str:
    return ", ".join(f"{k}={v}" for k, v in params) if params else "no parameters"


@dataclass
class ResultsFile:
    path: str
    label: str  # short name in charts: the run id, else the folder or file name
    context: dict
    meta: dict  # the top-level `yieldbench` object ({} for plain Google Benchmark output)
    benchmarks: list
    ignored: list = field(default_factory=list)  # names not in family/workload/implementation/param:value form
    notes: list = field(default_factory=list)  # oddities met while reading, shown in the report

    @property
    def unavailable(self) -> list:
        """The run context's `unavailable_metrics`, one reason per item."""
        text = self.context.get("unavailable_metrics")
        if not isinstance(text, str) or not text.strip():
            return []
        return [part.strip() for part in text.split(";") if part.strip()]

    @property
    def failures(self) -> list:
        failures = self.meta.get("failures")
        return failures if isinstance(failures, list) else []

    @property
    def partial(self) -> bool:
        return self.meta.get("partial") is True


def sort_key_params(params: tuple):
    """Cases in a natural order: numeric values by number, words alphabetically."""
    key = []
    for k, v in params:
        number = param_number(v)
        key.append((k, 0, number, "") if number is not None else (k, 1, 0.0, v))
    return tuple(key)


def family_rank(family: str):
    return (FAMILY_ORDER.index(family), "") if family in FAMILY_ORDER else (len(FAMILY_ORDER), family)


class Report:
    """All loaded files. `current` holds one benchmark per run_name, from the last file that has it;
    the per-family charts are drawn from it, the comparison from `files`."""

    def __init__(self, files: list):
        self.files = files
        latest = {}
        for results in files:
            for bench in results.benchmarks:
                latest[bench.run_name] = bench
        self.current = list(latest.values())
        self._assign_sections()

    def _assign_sections(self):
        every = [b for f in self.files for b in f.benchmarks]
        workload_family = {}
        for bench in every:
            if bench.family != CROSS_LANGUAGE_FAMILY:
                workload_family.setdefault(bench.workload, set()).add(bench.family)
        for bench in every:
            owners = workload_family.get(bench.workload, set())
            if bench.family == CROSS_LANGUAGE_FAMILY and len(owners) == 1:
                bench.section = next(iter(owners))
            else:
                bench.section = bench.family
        workloads = {}
        for bench in every:
            workloads.setdefault((bench.section, bench.workload), []).append(bench)
        for benches in workloads.values():
            common = set.intersection(*({k for k, _ in b.params} for b in benches))
            for bench in benches:
                bench.case_params = tuple((k, v) for k, v in bench.params if k in common)
                bench.variant = tuple((k, v) for k, v in bench.params if k not in common)

    @property
    def comparing(self) -> bool:
        return len(self.files) >= 2

    def implementations(self) -> list:
        """Every implementation name in every loaded file, sorted: the basis of the colour assignment."""
        return sorted({b.impl for f in self.files for b in f.benchmarks})

    def sections(self) -> dict:
        """{section: {workload: [benchmark, ...]}} over `current`, sections in DESIGN order."""
        grouped = {}
        for bench in self.current:
            grouped.setdefault(bench.section, {}).setdefault(bench.workload, []).append(bench)
        ordered = {}
        for section in sorted(grouped, key=family_rank):
            ordered[section] = {w: grouped[section][w] for w in sorted(grouped[section])}
        return ordered


def cases(benches: list) -> dict:
    """{case parameters: [benchmark, ...]} in natural case order."""
    grouped = {}
    for bench in benches:
        grouped.setdefault(bench.case, []).append(bench)
    return {p: grouped[p] for p in sorted(grouped, key=sort_key_params)}


def sweeps(benches: list) -> list:
    """Case parameters that take two or more numeric values among `benches`: each gets a scaling chart."""
    keys = []
    for bench in benches:
        for k, _ in bench.case:
            if k not in keys:
                keys.append(k)
    found = []
    for key in keys:
        values = {dict(b.case).get(key) for b in benches}
        numbers = {param_number(v) for v in values if v is not None}
        if None not in numbers and len(numbers) >= 2 and all(v is not None for v in values):
            found.append(key)
    return found
