"""Change points: where a benchmark's median stepped, over its history on one machine class.

Method: PELT (Killick, Fearnhead & Eckley 2012) with a penalty, on the logarithm of each run's median.

  - PELT finds the segmentation that minimises the total cost exactly (the sum over segments of the squared
    deviations from the segment's mean, in units of the noise variance) plus a penalty per change point, in
    about linear time thanks to its pruning. Binary segmentation is greedy: it splits at the single best point
    first, and two steps close together (a regression fixed three commits later) can hide each other.
    asv's step detection minimises a similar penalised cost (L1, with its own dynamic programme), but it is
    not packaged on Debian and is tied to asv's data layout; PELT is 40 lines of numpy here, and scipy
    supplies the confidence test.
  - The logarithm makes a step relative: +10% is the same step for a 50 ns and a 5 ms benchmark.
  - The noise variance is estimated from the differences of consecutive medians (their median absolute
    deviation, which a step hardly moves), so the penalty means the same for a quiet and a noisy benchmark.
  - Penalty: PENALTY_PER_LOG_N x ln(n) noise variances per change point. BIC would be 2 ln n; 5 ln n was
    chosen by simulation (200 histories of 50 runs, 2% normal noise): 0.005 false steps per flat history
    (3 ln n: 0.1, which over 400 benchmarks is 40 false alarms), and 98% of 6% steps still found at the right
    run. Benchmark noise also has heavier tails than a normal distribution, which a larger penalty absorbs.
  - Segments are at least MIN_SEGMENT runs long, so one or two odd runs are not a step.
  - Confidence: 1 - p of the two-sided Mann-Whitney U test between the runs of the segment before and after
    the step; a step must also be at least min_change (relative) to be listed."""
import math
from dataclasses import dataclass

import numpy as np

PENALTY_PER_LOG_N = 5.0
MIN_SEGMENT = 3
MIN_CHANGE = 0.01
NOISE_FLOOR = 1e-3  # relative: below it (instruction counts) any step would look infinitely significant


@dataclass(frozen=True)
class Step:
    name: str
    index: int  # the first run after the step, in the series
    commit: str  # that run's commit: the first one measured at the new level
    previous_commit: str  # the last one measured at the old level
    label: str
    date: str
    before: float  # median of the segment before
    after: float  # median of the segment after
    change: float  # after / before - 1
    confidence: float  # 1 - p (Mann-Whitney U, segment before against segment after)


def segment(values, penalty: float = None, min_size: int = None) -> list:
    """Indices where a new segment starts (0 < i < n), by PELT over `values` with a penalty in units of the
    estimated noise variance (default PENALTY_PER_LOG_N x ln n)."""
    min_size = MIN_SEGMENT if min_size is None else min_size
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n < 2 * min_size:
        return []
    sigma = noise(y)
    z = (y - y.mean()) / sigma
    beta = PENALTY_PER_LOG_N * math.log(n) if penalty is None else penalty
    sums = np.concatenate(([0.0], np.cumsum(z)))
    squares = np.concatenate(([0.0], np.cumsum(z * z)))

    def cost(starts: np.ndarray, end: int) -> np.ndarray:
        length = end - starts
        total = sums[end] - sums[starts]
        return squares[end] - squares[starts] - total * total / length

    best = np.full(n + 1, np.inf)
    best[0] = -beta
    last = np.zeros(n + 1, dtype=int)
    candidates = np.array([0])
    for end in range(min_size, n + 1):
        if end - min_size >= min_size:
            candidates = np.append(candidates, end - min_size)
        totals = best[candidates] + cost(candidates, end) + beta
        choice = int(np.argmin(totals))
        best[end], last[end] = totals[choice], candidates[choice]
        candidates = candidates[totals - beta <= best[end]]  # PELT's pruning: never optimal again
    found, end = [], n
    while end > 0:
        end = int(last[end])
        if end > 0:
            found.append(end)
    return sorted(found)


def noise(y: np.ndarray) -> float:
    """The noise's standard deviation, from consecutive differences (robust to the steps themselves)."""
    differences = np.diff(y)
    if len(differences) == 0:
        return NOISE_FLOOR
    mad = np.median(np.abs(differences - np.median(differences)))
    return max(1.4826 * mad / math.sqrt(2), NOISE_FLOOR)


def steps(
    name: str, points: list, penalty: float = None, min_change: float = MIN_CHANGE, confidence: bool = True
) -> list:
    """The Steps of one benchmark's history (store.Point list, oldest first); without `confidence`, each
    step's confidence is NaN and scipy is not imported (half a second: `history trend` shows no confidence)."""
    medians = [point.median for point in points]
    if len(medians) < 2 * MIN_SEGMENT or min(medians) <= 0:
        return []
    starts = segment(np.log(medians), penalty)
    bounds = [0, *starts, len(medians)]
    found = []
    for position, start in enumerate(starts):
        before = medians[bounds[position] : start]
        after = medians[start : bounds[position + 2]]
        level_before, level_after = float(np.median(before)), float(np.median(after))
        change = level_after / level_before - 1
        if abs(change) < min_change:
            continue
        p = math.nan
        if confidence:
            from scipy import stats  # only where there is a step to judge

            p = stats.mannwhitneyu(before, after, alternative="two-sided").pvalue
        point = points[start]
        found.append(
            Step(
                name,
                start,
                point.commit,
                points[start - 1].commit,
                point.label,
                point.date,
                level_before,
                level_after,
                change,
                float(1 - p),
            )
        )
    return found


def all_steps(series: dict, penalty: float = None, min_change: float = MIN_CHANGE) -> list:
    """Steps of every benchmark in {name: [Point]}, by date then name."""
    found = [step for name, points in series.items() for step in steps(name, points, penalty, min_change)]
    return sorted(found, key=lambda step: (step.date, step.name))
