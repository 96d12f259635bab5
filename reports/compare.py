"""Comparing results files: the same benchmark (run_name) in two or more files, the change of each metric
against the first file that has it, and whether that change is larger than the runs' own noise.

A change is *beyond noise* when
  |new / base − 1| > max(NOISE_FACTOR × the larger coefficient of variation of the two runs, MIN_THRESHOLD)
and, where both runs have two or more repetitions, their min–max ranges do not overlap.
Without repetitions on either side the noise is unknown and UNKNOWN_NOISE_THRESHOLD is used instead.
(`yieldbench compare` gives the regression verdict with a Mann–Whitney U test; this is the report's view.)"""
import math
from dataclasses import dataclass, field

from . import metrics
from .model import family_rank, sort_key_params

NOISE_FACTOR = 2.0
MIN_THRESHOLD = 0.01
UNKNOWN_NOISE_THRESHOLD = 0.10


@dataclass
class Change:
    metric: str
    base_index: int
    new_index: int
    base: float
    new: float
    ratio: float  # new / base − 1 (inf when the base is 0 and the new value is not)
    threshold: float  # the noise limit the ratio is held against
    noise_known: bool
    beyond_noise: bool

    @property
    def worse(self) -> bool:
        """Every compared metric is better smaller (time, memory, latency)."""
        return self.ratio > 0


@dataclass
class Compared:
    run_name: str
    section: str
    workload: str
    impl: str
    params: tuple
    versions: list  # [(file index, Benchmark)] in file order
    changes: dict = field(default_factory=dict)  # metric key -> [Change per later version]

    @property
    def case(self) -> tuple:
        return self.versions[-1][1].case

    @property
    def series(self) -> str:
        return self.versions[-1][1].series

    def change(self, metric: str = metrics.TIME.key, new_index: int = None):
        found = self.changes.get(metric, [])
        if new_index is None:
            return found[-1] if found else None
        return next((c for c in found if c.new_index == new_index), None)


def _overlap(a: list, b: list) -> bool:
    return min(a) <= max(b) and min(b) <= max(a)


def compare_metric(base, new, metric: str):
    """The Change of `metric` from benchmark `base` to benchmark `new`, or None if either lacks it."""
    if base.failed or new.failed:
        return None
    b, n = base.value(metric), new.value(metric)
    if b is None or n is None:
        return None
    if b == 0:
        ratio = 0.0 if n == 0 else math.inf
    else:
        ratio = n / b - 1
    cvs = [cv for cv in (base.cv(metric), new.cv(metric)) if cv is not None]
    noise_known = bool(cvs)
    threshold = max(NOISE_FACTOR * max(cvs), MIN_THRESHOLD) if cvs else UNKNOWN_NOISE_THRESHOLD
    beyond = abs(ratio) > threshold
    sa, sn = base.samples.get(metric, []), new.samples.get(metric, [])
    if beyond and len(sa) >= 2 and len(sn) >= 2 and _overlap(sa, sn):
        beyond = False
    return Change(metric, base.source, new.source, b, n, ratio, threshold, noise_known, beyond)


def compare_report(report) -> list:
    """Every benchmark present in two or more files, with its changes against the first file that has it,
    ordered by section, workload, case and implementation."""
    versions = {}
    for index, results in enumerate(report.files):
        for bench in results.benchmarks:
            versions.setdefault(bench.run_name, []).append((index, bench))
    found = []
    for run_name, found_versions in versions.items():
        if len(found_versions) < 2:
            continue
        base = found_versions[0][1]
        latest = found_versions[-1][1]
        item = Compared(run_name, latest.section, latest.workload, latest.impl, latest.params, found_versions)
        for metric in metrics.COMPARED:
            changes = [compare_metric(base, bench, metric.key) for _, bench in found_versions[1:]]
            changes = [c for c in changes if c is not None]
            if changes:
                item.changes[metric.key] = changes
        found.append(item)
    found.sort(key=lambda c: (family_rank(c.section), c.workload, sort_key_params(c.params), c.impl))
    return found


def grouped(compared: list) -> dict:
    """{(section, workload): [Compared, ...]} keeping order."""
    groups = {}
    for item in compared:
        groups.setdefault((item.section, item.workload), []).append(item)
    return groups
