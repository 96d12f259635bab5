"""The noise limit, the per-benchmark noise verdict every output shows, and the median's confidence interval
that `yieldbench run` samples each benchmark toward."""
import math
import statistics

# A benchmark whose median is not known to within this (half its confidence interval, relative to it, over
# every sample of every process) is marked UNSTABLE: differences from other runs below this size are not
# evidence. More samples narrow the interval, so a noisy benchmark that sampled to its budget may still be
# trusted; the coefficient of variation (the spread of one sample) is shown beside it.
UNSTABLE_CI = 0.05
# Files written before the interval was recorded are judged by their coefficient of variation, at the same limit.
UNSTABLE_CV = 0.05

# The confidence the median's interval is drawn at; with fewer than 6 samples no order statistics reach it
# and the interval is the whole range (its own, lower, confidence is said beside it).
CONFIDENCE = 0.95

# Why sampling a benchmark stopped, as the noise entries say it.
STOP_REASONS = {
    "ci-target": "its median's confidence interval came within the profile's target",
    "max-samples": "it reached the profile's largest number of samples",
    "max-seconds": "its time budget (seconds of calls) was spent",
    "repetitions": "a fixed number of samples was asked for (--repetitions, or a profile without a target)",
    "failed": "it failed (the error says why)",
    "skipped": "it cannot run on this machine",
    "interrupted": "the run was interrupted",
}


def _finite(values: list) -> list:
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]


def cv(values: list):
    """Coefficient of variation (stdev / mean) of `values`, or None with fewer than two or a mean of 0."""
    values = _finite(values)
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else None


def median_interval(values: list):
    """(low, high, confidence) of the median: distribution-free, from order statistics (the sign test's
    interval: no assumption on the shape of the noise, which is skewed) at CONFIDENCE, interpolated between the
    pair of order statistics above it and the pair below (Hettmansperger and Sheather, 1986: without it, 8
    samples would give their whole range at 99.2%); under 6 samples no pair reaches CONFIDENCE and it is the
    whole range with its own confidence. None with fewer than two values."""
    ordered = sorted(_finite(values))
    n = len(ordered)
    if n < 2:
        return None

    def coverage(k: int) -> float:
        """[k-th, (n-1-k)-th] (from 0) misses the median only when k+1 or more values fall on one side of it."""
        return 1 - 2 * sum(math.comb(n, j) for j in range(k + 1)) / 2**n

    reaching = [k for k in range(n // 2) if coverage(k) >= CONFIDENCE]
    if not reaching:
        return ordered[0], ordered[-1], coverage(0)
    outer = reaching[-1]
    inner = outer + 1
    if coverage(outer) == CONFIDENCE or inner > n - 2 - outer:
        return ordered[outer], ordered[n - 1 - outer], coverage(outer)
    share = (coverage(outer) - CONFIDENCE) / (coverage(outer) - coverage(inner))
    depth = outer + 1  # the outer pair's rank from either end, from 1
    weight = (n - depth) * share / (depth + (n - 2 * depth) * share)
    low = (1 - weight) * ordered[outer] + weight * ordered[inner]
    high = (1 - weight) * ordered[n - 1 - outer] + weight * ordered[n - 1 - inner]
    return low, high, CONFIDENCE


def relative_half_width(values: list):
    """Half the median's confidence interval over the median (0.02: ±2%), or None (under two values, median 0)."""
    interval = median_interval(values)
    if interval is None:
        return None
    median = statistics.median(_finite(values))
    return (interval[1] - interval[0]) / 2 / abs(median) if median else None


def verdict(values: list, processes: int = None) -> dict:
    """{repetitions, cv, unstable, ci, ci_confidence[, processes]}: repetitions is the number of
    samples, ci the median's relative half-interval; cv, unstable and ci are None with one sample."""
    spread, half_width = cv(values), relative_half_width(values)
    interval = median_interval(values)
    found = {
        "repetitions": len(values),
        "cv": spread,
        "unstable": None if half_width is None else half_width > UNSTABLE_CI,
        "ci": half_width,
        "ci_confidence": None if interval is None else interval[2],
    }
    if processes is not None:
        found["processes"] = processes
    return found


def text(noise) -> str:
    """'cv 1.2% ±0.8% ok', 'cv 9.0% ±7.0% UNSTABLE' (the spread of one sample, then how well the median is
    known), 'cv 7.0% UNSTABLE' for a file without the interval, or '1 rep'."""
    if not noise or not isinstance(noise.get("cv"), (int, float)):
        return "1 rep"
    interval = f" ±{100 * noise['ci']:.1f}%" if isinstance(noise.get("ci"), (int, float)) else ""
    return f"cv {100 * noise['cv']:.1f}%{interval} {'UNSTABLE' if noise.get('unstable') else 'ok'}"
