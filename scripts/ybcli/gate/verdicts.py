"""One verdict per benchmark between two results files, and the checks that make a comparison meaningful."""
import math
import statistics
from dataclasses import dataclass, field

import ybresults

from ..errors import UsageError
from .thresholds import load_thresholds, threshold_for

DEFAULT_ALPHA = 0.05
VERDICTS = ("regression", "improvement", "noisy", "unchanged", "error")

# Context keys whose difference makes a comparison suspect (a warning on top), and how they are shown.
CONTEXT_KEYS = {
    "compiler": "compiler",
    "cpu_model": "CPU model",
    "build_preset": "build preset",
    "cxx_flags": "compiler flags",
    "num_cpus": "CPU count",
}
# Context keys whose difference makes every verdict meaningless, per measure mode: a sanitizer or
# debug build against release, or (for wall-clock time) another machine class. Comparing them is bad
# input, exit 2; `yieldbench report` still draws such files side by side, with a warning.
INCOMPATIBLE_KEYS = {"time": ("build_preset", "num_cpus", "hypervisor"), "instructions": ("build_preset",)}
CONTEXT_NAMES = {**CONTEXT_KEYS, "hypervisor": "hypervisor"}


@dataclass
class Side:
    """One benchmark in one results file: its per-repetition values."""

    times: list = field(default_factory=list)  # per repetition, ns (or instructions per operation)
    heap_peak: list = field(default_factory=list)  # heap_peak_bytes per repetition
    ctx: list = field(default_factory=list)  # context switches per operation per repetition
    error: str = ""


def side(bench: ybresults.Benchmark, measure: str) -> Side:
    """What the gate judges of one benchmark: its times (or instruction counts), heap peaks and switches."""
    if bench.failed:
        return Side(error=bench.error)
    ctx = []
    for values in bench.repetitions:
        if "ctx_switches" in values:
            ctx.append(values["ctx_switches"])
        elif "ctx_voluntary" in values:
            ctx.append(values["ctx_voluntary"] + values.get("ctx_involuntary", 0.0))
    time_key = "instructions" if measure == "instructions" else "time_ns"
    return Side(bench.samples(time_key), bench.samples("heap_peak_bytes"), ctx)


def load(path) -> ybresults.Results:
    """A results (or baseline) file; anything unreadable is a ResultsError naming the file and the problem."""
    return ybresults.load(path)


@dataclass
class Row:
    name: str
    verdict: str
    reason: str
    threshold: float
    base_median: float = math.nan
    new_median: float = math.nan
    change: float = math.nan
    p: float = math.nan
    base_cv: float = math.nan
    new_cv: float = math.nan
    base_reps: int = 0
    new_reps: int = 0
    heap_change: tuple = (None, None)  # (base median, new median) of heap_peak_bytes
    ctx_change: tuple = (None, None)  # (base median, new median) of context switches per operation


@dataclass
class Comparison:
    base: ybresults.Results
    new: ybresults.Results
    alpha: float
    rows: list
    new_only: list
    missing: list
    warnings: list

    def count(self, verdict: str) -> int:
        return sum(row.verdict == verdict for row in self.rows)

    @property
    def exit_status(self) -> int:
        return 1 if self.count("regression") else 0


def cv(values: list) -> float:
    if len(values) < 2:
        return math.nan
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else math.nan


def smallest_p(n: int, m: int) -> float:
    """The smallest two-sided p-value the exact U test can give for samples of n and m."""
    if n < 1 or m < 1:
        return 1.0
    return min(1.0, 2.0 / math.comb(n + m, n))


def u_test(base: list, new: list) -> float:
    from scipy.stats import mannwhitneyu  # scipy is slow to import; only when comparing

    if len(base) < 2 or len(new) < 2:
        return math.nan
    if len(set(base) | set(new)) == 1:
        return 1.0  # all equal: nothing to test
    return float(mannwhitneyu(base, new, alternative="two-sided").pvalue)


def _medians(base: list, new: list) -> tuple:
    return (statistics.median(base) if base else None, statistics.median(new) if new else None)


def judge(name: str, base: Side, new: Side, measure: str, threshold: float, alpha: float) -> Row:
    row = Row(
        name,
        "unchanged",
        "",
        threshold,
        base_reps=len(base.times),
        new_reps=len(new.times),
        heap_change=_medians(base.heap_peak, new.heap_peak),
        ctx_change=_medians(base.ctx, new.ctx),
    )
    if base.error or new.error or not base.times or not new.times:
        row.verdict = "error"
        row.reason = (
            f"{'base' if base.error or not base.times else 'new'}: {base.error or new.error or 'no repetitions'}"
        )
        return row
    row.base_median, row.new_median = statistics.median(base.times), statistics.median(new.times)
    row.change = row.new_median / row.base_median - 1 if row.base_median else (math.inf if row.new_median else 0.0)
    row.base_cv, row.new_cv = cv(base.times), cv(new.times)
    beyond = abs(row.change) > threshold
    own_noise = max((value for value in (row.base_cv, row.new_cv) if not math.isnan(value)), default=math.nan)
    if measure == "instructions":
        # Deterministic counts: the change decides where the two sides' ranges do not overlap.
        separated = max(base.times) < min(new.times) or max(new.times) < min(base.times)
        if not math.isnan(own_noise) and own_noise > threshold:
            row.verdict, row.reason = "noisy", f"own CV {own_noise:.1%} > threshold {threshold:.0%}"
        elif beyond and separated:
            row.verdict = "regression" if row.change > 0 else "improvement"
            row.reason = f"|change| > {threshold:.1%}, ranges apart"
        else:
            row.reason = "within threshold" if not beyond else "ranges overlap"
        return row
    row.p = u_test(base.times, new.times)
    reachable = smallest_p(len(base.times), len(new.times))
    if len(base.times) < 2 or len(new.times) < 2 or reachable >= alpha:
        row.verdict = "noisy"
        row.reason = (
            f"too few repetitions ({len(base.times)} vs {len(new.times)}): the U test cannot reach "
            f"p < {alpha:g} (at best {reachable:.3g})"
        )
    elif own_noise > threshold:
        row.verdict = "noisy"
        row.reason = f"own CV {own_noise:.1%} > threshold {threshold:.0%}"
    elif row.p < alpha and beyond:
        row.verdict = "regression" if row.change > 0 else "improvement"
        row.reason = f"p {row.p:.3g} < {alpha:g} and |change| > {threshold:.0%}"
    else:
        row.reason = f"p {row.p:.3g} ≥ {alpha:g}" if row.p >= alpha else f"|change| ≤ {threshold:.0%}"
    return row


def _differs(base: ybresults.Results, new: ybresults.Results, key: str) -> bool:
    old, now = base.context.get(key), new.context.get(key)
    return old is not None and now is not None and str(old) != str(now)


def context_warnings(base: ybresults.Results, new: ybresults.Results) -> list:
    return [
        f"{shown} differs: base '{base.context[key]}', new '{new.context[key]}'"
        for key, shown in CONTEXT_KEYS.items()
        if _differs(base, new, key)
    ]


def check_compatible(base: ybresults.Results, new: ybresults.Results) -> None:
    """UsageError when no verdict could mean anything: other measure modes, builds or machine classes."""
    if base.measure != new.measure:
        # Nanoseconds against instruction counts: every verdict would be nonsense.
        raise UsageError(
            f"measure modes differ: {base.path} is '{base.measure}', {new.path} is "
            f"'{new.measure}'; compare results of the same mode"
        )
    differing = [key for key in INCOMPATIBLE_KEYS.get(base.measure, ()) if _differs(base, new, key)]
    if differing:
        shown = "; ".join(
            f"{CONTEXT_NAMES[key]}: base '{base.context[key]}', new '{new.context[key]}'" for key in differing
        )
        raise UsageError(
            f"results from incompatible contexts ({shown}): {base.measure} verdicts need the same build "
            f"and machine class (`yieldbench report BASE NEW` draws them side by side)"
        )


def compare(
    base: ybresults.Results, new: ybresults.Results, threshold=None, alpha: float = DEFAULT_ALPHA, rules=None
) -> Comparison:
    check_compatible(base, new)
    if not any(name in new.benchmarks for name in base.benchmarks):
        # A gate that judged nothing must not pass: the files are of other families or suites.
        raise UsageError(
            f"no benchmark in common: {new.path} has none of the {len(base.benchmarks)} in {base.path} "
            f"(e.g. '{next(iter(base.benchmarks))}'); nothing to judge"
        )
    rules = load_thresholds() if rules is None else rules
    rows = [
        judge(
            name,
            side(base.benchmarks[name], base.measure),
            side(new.benchmarks[name], new.measure),
            base.measure,
            threshold_for(name, base.measure, rules, threshold),
            alpha,
        )
        for name in base.benchmarks
        if name in new.benchmarks
    ]
    return Comparison(
        base,
        new,
        alpha,
        rows,
        new_only=[name for name in new.benchmarks if name not in base.benchmarks],
        missing=[name for name in base.benchmarks if name not in new.benchmarks],
        warnings=context_warnings(base, new),
    )
