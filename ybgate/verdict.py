"""The one verdict function: `decide` turns benchmark pairs (base and new samples) into verdicts. `yieldbench
compare`, `yieldbench ci` (committed baseline or same-machine A/B) and the report's "beyond noise" marks all
call it, so they cannot disagree.

Per benchmark, time mode:
  change     median(new) / median(base) - 1 over every repetition of every process
  relative   the change against the whole-run shift, when there is one (below); else the change itself
  p          two-sided Mann-Whitney U test over the repetitions (new ones divided by the shift): rank-based,
             so one slow outlier cannot decide it, and it needs no normal distribution (benchmark times are
             skewed to the right); with 4 processes x 5 repetitions a side it reaches p < 1e-6
  q          p adjusted by Benjamini-Hochberg across every benchmark compared: at most alpha (5%) of the
             benchmarks called changed are expected to be false discoveries, however many are compared
  spread     the larger coefficient of variation of the two sides
  separated  every process's median on one side is above every process's median on the other (the change
             is not one odd process); with one process a side, the medians' order

  regression / improvement   |relative| > threshold, q < alpha and separated; or, where the test does not
                             decide, a change far beyond the spread: |relative| > 3 x spread and > threshold,
                             every repetition apart (so `noisy` never hides a change far larger than the noise)
  noisy                      not decided, and the spread is above the threshold, or too few repetitions for
                             the test to reach alpha at all
  unchanged                  otherwise (within the threshold, or not significant, or processes overlap)
  error                      no values on one side (the benchmark failed or was skipped there)

Instruction mode (deterministic counts): |relative| > threshold and the two sides' ranges apart decides; a
spread above the threshold is noisy. No test is needed: the same code gives the same count.

Whole-run shift: when at least 10 benchmarks are compared and at least half of them moved beyond their
threshold in the direction of the median change, that median change is one finding ("all 403 moved +6%:
machine drift or a build-wide change"), and each benchmark is judged against it, so the finding is one line,
not hundreds of rows."""
import math
import statistics
from dataclasses import dataclass, field

from .samples import Pair, Samples

ALPHA = 0.05
FAR_BEYOND_SPREAD = 3.0
SHIFT_MIN_BENCHMARKS = 10
SHIFT_SHARE = 0.5
KINDS = ("regression", "improvement", "noisy", "error", "unchanged")


@dataclass
class Verdict:
    name: str
    kind: str
    reason: str
    threshold: float
    base: Samples = Samples()
    new: Samples = Samples()
    change: float = math.nan
    relative: float = math.nan
    p: float = math.nan
    q: float = math.nan
    spread: float = math.nan
    shown: dict = field(default_factory=dict)

    @property
    def beyond_noise(self) -> bool:
        return self.kind in ("regression", "improvement")


@dataclass(frozen=True)
class Shift:
    change: float  # the median change of every benchmark compared
    moved: int  # how many moved beyond their threshold in its direction
    compared: int

    def describe(self) -> str:
        return (
            f"all {self.compared} moved {self.change:+.1%} (median; {self.moved} of them beyond their threshold "
            f"in that direction): machine drift or a build-wide change"
        )


def smallest_p(n: int, m: int) -> float:
    """The smallest two-sided p-value the exact U test can give for samples of n and m."""
    if n < 1 or m < 1:
        return 1.0
    return min(1.0, 2.0 / math.comb(n + m, n))


def u_test(base: list, new: list) -> float:
    from scipy.stats import mannwhitneyu  # slow to import: only when comparing

    if len(base) < 2 or len(new) < 2:
        return math.nan
    if len(set(base) | set(new)) == 1:
        return 1.0  # all equal: nothing to test
    return float(mannwhitneyu(base, new, alternative="two-sided").pvalue)


def bh_adjust(p_values: list) -> list:
    """Benjamini-Hochberg adjusted p-values (q) of the finite ones; nan stays nan."""
    finite = [index for index, p in enumerate(p_values) if not math.isnan(p)]
    adjusted = [math.nan] * len(p_values)
    if finite:
        from statsmodels.stats.multitest import multipletests

        q_values = multipletests([p_values[index] for index in finite], method="fdr_bh")[1]
        for index, q in zip(finite, q_values):
            adjusted[index] = float(q)
    return adjusted


def change_of(base: Samples, new: Samples) -> float:
    b, n = base.median, new.median
    if b == 0:
        return 0.0 if n == 0 else math.inf
    return n / b - 1


def whole_run_shift(pairs: list):
    """The Shift when most benchmarks moved together, else None."""
    moved = [(pair, change_of(pair.base, pair.new)) for pair in pairs if pair.base.values and pair.new.values]
    moved = [(pair, change) for pair, change in moved if math.isfinite(change) and change > -1]
    if len(moved) < SHIFT_MIN_BENCHMARKS:
        return None
    median = math.expm1(statistics.median(math.log1p(change) for _, change in moved))
    along = sum(1 for pair, change in moved if abs(change) > pair.threshold and change * median > 0)
    if along < SHIFT_SHARE * len(moved) or abs(median) <= statistics.median(pair.threshold for pair, _ in moved):
        return None
    return Shift(median, along, len(moved))


def _separated(base: list, new: list, upward: bool) -> bool:
    return min(new) > max(base) if upward else max(new) < min(base)


def _assess(pair: Pair, factor: float, deterministic: bool) -> Verdict:
    verdict = Verdict(pair.name, "unchanged", "", pair.threshold, pair.base, pair.new, shown=dict(pair.shown))
    if pair.base.error or pair.new.error or not pair.base.values or not pair.new.values:
        side = "base" if pair.base.error or not pair.base.values else "new"
        verdict.kind = "error"
        verdict.reason = f"{side}: {(pair.base if side == 'base' else pair.new).error or 'no values'}"
        return verdict
    verdict.change = change_of(pair.base, pair.new)
    verdict.relative = (1 + verdict.change) / factor - 1 if math.isfinite(verdict.change) else verdict.change
    spreads = [value for value in (pair.base.cv, pair.new.cv) if not math.isnan(value)]
    verdict.spread = max(spreads) if spreads else math.nan
    if not deterministic:
        verdict.p = u_test(list(pair.base.values), [value / factor for value in pair.new.values])
    return verdict


def _finish(verdict: Verdict, factor: float, alpha: float, deterministic: bool) -> None:
    """The verdict's kind and reason, once q is known."""
    if verdict.kind == "error":
        return
    relative, threshold, spread = verdict.relative, verdict.threshold, verdict.spread
    beyond = abs(relative) > threshold
    upward = relative > 0
    direction = "regression" if upward else "improvement"
    base, new = verdict.base, verdict.new
    scaled = [value / factor for value in new.values]
    ranges_apart = _separated(list(base.values), scaled, upward)
    if deterministic:
        if not math.isnan(spread) and spread > threshold:
            verdict.kind, verdict.reason = "noisy", f"own spread {spread:.1%} > threshold {threshold:.1%}"
        elif beyond and ranges_apart:
            verdict.kind, verdict.reason = direction, f"|change| > {threshold:.1%}, ranges apart"
        else:
            verdict.reason = "ranges overlap" if beyond else f"|change| <= {threshold:.1%}"
        return
    processes_apart = _separated(base.process_medians(), [value / factor for value in new.process_medians()], upward)
    far = not math.isnan(spread) and abs(relative) > FAR_BEYOND_SPREAD * spread and beyond and ranges_apart
    testable = smallest_p(len(base.values), len(new.values)) < alpha
    if not beyond:
        verdict.reason = f"|change| <= {threshold:.1%}"
    elif testable and verdict.q < alpha and processes_apart:
        verdict.kind = direction
        verdict.reason = f"q {verdict.q:.2g} < {alpha:g}, |change| > {threshold:.1%}, every process apart"
    elif far:
        verdict.kind = direction
        verdict.reason = f"|change| > {FAR_BEYOND_SPREAD:g} x its spread {spread:.1%}, repetitions apart"
    elif not testable:
        verdict.kind = "noisy"
        verdict.reason = (
            f"too few repetitions ({len(base.values)} vs {len(new.values)}) for the U test to reach {alpha:g}, "
            f"and the change is not {FAR_BEYOND_SPREAD:g} x beyond the spread"
        )
    elif not math.isnan(spread) and spread > threshold:
        verdict.kind = "noisy"
        verdict.reason = f"own spread {spread:.1%} > threshold {threshold:.1%}, change not far beyond it"
    elif not processes_apart:
        verdict.reason = "processes overlap: the change is not in every process"
    else:
        verdict.reason = f"not significant (q {verdict.q:.2g} >= {alpha:g})"


def decide(pairs: list, alpha: float = ALPHA, deterministic: bool = False, shift_aware: bool = True):
    """(verdicts in the order of `pairs`, the whole-run Shift or None)."""
    shift = whole_run_shift(pairs) if shift_aware else None
    factor = 1 + shift.change if shift else 1.0
    verdicts = [_assess(pair, factor, deterministic) for pair in pairs]
    if not deterministic:
        for verdict, q in zip(verdicts, bh_adjust([verdict.p for verdict in verdicts])):
            verdict.q = q
    for verdict in verdicts:
        _finish(verdict, factor, alpha, deterministic)
    return verdicts, shift
