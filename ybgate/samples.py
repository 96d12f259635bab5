"""What the gate judges of one benchmark on one side: its per-repetition values, and which process (one start
of a family executable) each came from, so the spread between processes is seen, not only within one."""
import math
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Samples:
    values: tuple = ()  # per repetition: ns per operation (or instructions per operation, or any counter)
    processes: tuple = ()  # the process index of each value (all 0 when one process made them)
    error: str = ""  # why the benchmark has no values on this side

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def cv(self) -> float:
        """Coefficient of variation over every repetition (nan with fewer than two)."""
        if len(self.values) < 2:
            return math.nan
        mean = statistics.fmean(self.values)
        return statistics.stdev(self.values) / mean if mean else math.nan

    def process_medians(self) -> list:
        """The median of each process's repetitions."""
        groups = {}
        for value, process in zip(self.values, self.processes or (0,) * len(self.values)):
            groups.setdefault(process, []).append(value)
        return [statistics.median(group) for group in groups.values()]


@dataclass(frozen=True)
class Pair:
    """One benchmark on both sides, with what is shown beside its verdict (heap peak, context switches)."""

    name: str
    base: Samples
    new: Samples
    threshold: float
    shown: dict = field(default_factory=dict)  # label -> (base median, new median)


def of(bench, key: str) -> Samples:
    """The Samples of counter `key` of a ybresults.Benchmark (errored benchmarks carry their message)."""
    if bench.failed:
        return Samples(error=bench.error)
    values, processes = [], []
    for index, repetition in enumerate(bench.repetitions):
        if key in repetition:
            values.append(repetition[key])
            processes.append(bench.processes[index] if index < len(bench.processes) else 0)
    return Samples(tuple(values), tuple(processes), "" if values else f"no {key} in any repetition")


def context_switches(bench) -> Samples:
    """Context switches per operation: perf's count, else getrusage's voluntary + involuntary."""
    values = []
    for repetition in bench.repetitions:
        if "ctx_switches" in repetition:
            values.append(repetition["ctx_switches"])
        elif "ctx_voluntary" in repetition:
            values.append(repetition["ctx_voluntary"] + repetition.get("ctx_involuntary", 0.0))
    return Samples(tuple(values))
