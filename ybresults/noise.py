"""The noise limit and the per-benchmark noise verdict every output shows."""
import math
import statistics

# A benchmark whose repetitions vary more than this (coefficient of variation of real time) is marked
# UNSTABLE: differences from other runs below this size are not evidence.
UNSTABLE_CV = 0.05


def cv(values: list):
    """Coefficient of variation (stdev / mean) of `values`, or None with fewer than two or a mean of 0."""
    values = [value for value in values if isinstance(value, (int, float)) and math.isfinite(value)]
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else None


def verdict(values: list) -> dict:
    """{repetitions, cv, unstable}; cv and unstable are None with one repetition."""
    spread = cv(values)
    return {"repetitions": len(values), "cv": spread, "unstable": None if spread is None else spread > UNSTABLE_CV}


def text(noise) -> str:
    """'cv 1.2% ok', 'cv 7.0% UNSTABLE' or '1 rep'."""
    if not noise or not isinstance(noise.get("cv"), (int, float)):
        return "1 rep"
    return f"cv {100 * noise['cv']:.1f}% {'UNSTABLE' if noise.get('unstable') else 'ok'}"
