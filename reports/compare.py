"""Comparing results files: the same benchmark (run_name) in two or more files, the change of each metric
against the first file that has it, and whether that change is *beyond noise*: the regression gate's own
verdict (ybgate.decide, the function `yieldbench compare` and `yieldbench ci` use) says regression or
improvement, with the gate's thresholds (ci/thresholds) and its multiple-testing control across the
benchmarks compared. Its rules are in ybgate/verdict.py."""
import math
from dataclasses import dataclass, field

import ybgate
from ybresults import items, units

from . import metrics
from .model import family_rank, sort_key_params


@dataclass
class Change:
    metric: str
    base_index: int
    new_index: int
    base: float
    new: float
    ratio: float  # new / base − 1 (inf when the base is 0 and the new value is not)
    threshold: float  # the smallest change the verdict could call beyond noise
    noise_known: bool  # whether either side has repetitions to say how noisy it is
    beyond_noise: bool
    reason: str = ""  # the verdict's reason

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


def _samples(bench, metric: str) -> ybgate.Samples:
    if bench.failed:
        return ybgate.Samples(error=bench.error)
    values = bench.samples.get(metric) or ([bench.value(metric)] if bench.value(metric) is not None else [])
    return ybgate.Samples(tuple(values))


def _limit(verdict) -> float:
    """The smallest change this verdict could have called beyond noise."""
    base, new = verdict.base.values, verdict.new.values
    if ybgate.smallest_p(len(base), len(new)) < ybgate.ALPHA:
        return verdict.threshold
    spread = 0.0 if math.isnan(verdict.spread) else verdict.spread
    return max(verdict.threshold, ybgate.verdict.FAR_BEYOND_SPREAD * spread) if base and new else math.inf


def compare_metric(base, new, metric: str, threshold: float = ybgate.DEFAULT_THRESHOLDS["time"]):
    """The Change of `metric` from benchmark `base` to benchmark `new` judged alone, or None if either lacks it."""
    return compare_metrics([(base, new)], metric, [threshold])[0]


def compare_metrics(pairs: list, metric: str, thresholds: list) -> list:
    """The Change of `metric` for every (base, new) benchmark pair, judged together by the gate's verdict
    function, or None where either side lacks the metric."""
    usable = [
        index
        for index, (base, new) in enumerate(pairs)
        if not base.failed and not new.failed and base.value(metric) is not None and new.value(metric) is not None
    ]
    gate_pairs = [
        ybgate.Pair(
            pairs[index][0].run_name,
            _samples(pairs[index][0], metric),
            _samples(pairs[index][1], metric),
            thresholds[index],
        )
        for index in usable
    ]
    verdicts, _ = ybgate.decide(gate_pairs, shift_aware=metric == metrics.TIME.key)
    found = [None] * len(pairs)
    for index, verdict in zip(usable, verdicts):
        base, new = pairs[index]
        b, n = base.value(metric), new.value(metric)
        ratio = (0.0 if n == 0 else math.inf) if b == 0 else n / b - 1
        noise_known = len(verdict.base.values) > 1 or len(verdict.new.values) > 1
        found[index] = Change(
            metric,
            base.source,
            new.source,
            b,
            n,
            ratio,
            _limit(verdict),
            noise_known,
            verdict.beyond_noise,
            verdict.reason,
        )
    return found


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
        latest = found_versions[-1][1]
        item = Compared(run_name, latest.section, latest.workload, latest.impl, latest.params, found_versions)
        found.append(item)
    # Judged together, per metric and per later file: the gate's multiple-testing control spans them all.
    rules = ybgate.load_thresholds()
    measure = next((f.meta.get("measure") for f in report.files if f.meta.get("measure")), None) or "time"
    for metric in metrics.COMPARED:
        by_file = {}
        for item in found:
            base = item.versions[0][1]
            for _, bench in item.versions[1:]:
                by_file.setdefault(bench.source, []).append((item, base, bench))
        for entries in by_file.values():
            thresholds = [ybgate.threshold_for(item.run_name, measure, rules) for item, _, _ in entries]
            changes = compare_metrics([(base, bench) for _, base, bench in entries], metric.key, thresholds)
            for (item, _, _), change in zip(entries, changes):
                if change is not None:
                    item.changes.setdefault(metric.key, []).append(change)
    found.sort(key=lambda c: (family_rank(c.section), c.workload, sort_key_params(c.params), c.impl))
    return found


def grouped(compared: list) -> dict:
    """{(section, workload): [Compared, ...]} keeping order."""
    groups = {}
    for item in compared:
        groups.setdefault((item.section, item.workload), []).append(item)
    return groups


def time_text(item: Compared, file_index: int) -> str:
    """The benchmark's time in one file as the report leads with it: per item, the item named, with time per
    operation beside it ("12 ns per round trip (1.2 ms per operation)"); "skipped", "failed" or "absent"
    when it has none there. The verdict itself stays on time per operation, as the gate's."""
    bench = dict(item.versions).get(file_index)
    if bench is None:
        return "absent"
    if bench.failed:
        return bench.status
    per_op = bench.value(metrics.TIME.key)
    per_item = bench.value(items.TIME_PER_ITEM)
    if per_op is None:
        return "–"
    if per_item is None:
        return f"{units.fmt_time(per_op)} per operation"
    return f"{units.fmt_time(per_item)} {items.per(bench.item)} ({units.fmt_time(per_op)} per operation)"
