"""Which of the required metrics (docs/design.md) a workload's benchmarks did not report, and the reasons
the run gave."""
import re
from dataclasses import dataclass

from . import metrics


@dataclass
class Missing:
    section: str
    workload: str
    what: str  # a metric key, or "latency percentiles"
    impls: list  # implementations that lack it (all of the workload's when `everywhere`)
    everywhere: bool
    reasons: list  # labels of those benchmarks (e.g. why latency was not recorded)


def missing_metrics(report) -> list:
    found = []
    latency_keys = [m.key for m in metrics.LATENCY]
    for section, workloads in report.sections().items():
        for workload, benches in workloads.items():
            ran = [b for b in benches if not b.failed]
            if not ran:
                continue
            impls = sorted({b.impl for b in ran})
            checks = [(m.key, [m.key]) for m in metrics.DESIGN_COUNTERS if m not in metrics.LATENCY]
            checks.append(("latency percentiles", latency_keys))
            for what, keys in checks:
                lacking = [b for b in ran if not any(b.has(k) for k in keys)]
                if not lacking:
                    continue
                if what in metrics.OPTIONAL and len(lacking) == len(ran):
                    continue  # reported only where a unit exists
                lacking_impls = sorted({b.impl for b in lacking})
                reasons = _reasons(report, what, keys, lacking)
                found.append(Missing(section, workload, what, lacking_impls, lacking_impls == impls, reasons))
    return found


def run_reasons(report) -> list:
    """[(file label, reason)] from each run context's `unavailable_metrics` and `hardware_counters`."""
    found = []
    for results in report.files:
        for reason in results.unavailable:
            found.append((results.label, reason))
        hw = results.context.get("hardware_counters")
        if (
            isinstance(hw, str)
            and hw.lower().startswith("no")
            and not any("hardware" in r.lower() for r in results.unavailable)
        ):
            found.append((results.label, f"hardware counters: {hw}"))
    return found


def _mentions(text: str, what: str, keys: list) -> bool:
    text = text.lower()
    if what == "latency percentiles":
        return "latency" in text or "lat_" in text
    return any(k.lower() in text for k in keys)


def _reasons(report, what: str, keys: list, lacking: list) -> list:
    """Benchmark labels and run-context reasons that speak of this metric."""
    reasons, shapes = [], set()
    candidates = [label for bench in lacking for label in bench.labels]
    candidates += [r for index in sorted({b.source for b in lacking}) for r in report.files[index].unavailable]
    for reason in candidates:
        shape = re.sub(r"[0-9]+(\.[0-9]+)?", "#", reason)  # "op 668.1 ns" and "op 1205.9 ns" are one reason
        if _mentions(reason, what, keys) and shape not in shapes:
            shapes.add(shape)
            reasons.append(reason)
    return reasons
