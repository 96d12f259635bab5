"""How a python-track benchmark fits the run's time: an operation the profile's repetitions have room for is
measured as usual; one too long for them (seconds, like the seed's work list) is measured once; one too long
even for that is skipped.

The profile's room for one operation is 10 x --benchmark_min_time (at least 0.3 s). A long operation gets one
repetition of one operation, with no separate warm-up (its first-call costs are milliseconds against seconds)
and no tracemalloc probe (which makes CPython's own work ~20x slower): its time stays within the supervisor's
budget of one benchmark (60 s in smoke, 120 s in quick) even on a busy machine.
"""
from dataclasses import dataclass
from typing import Callable, Optional

SMALLEST_OPERATION_BUDGET_SECONDS = 0.3
# Beyond this estimate even one operation is skipped: under half the smallest profile's budget of one
# benchmark (smoke: 60 s), for an estimate taken on a machine that may get twice as busy.
LONGEST_OPERATION_SECONDS = 25.0
# How much slower tracemalloc makes CPython's own work (the seed's kernel; docs/notes/python.md).
TRACEMALLOC_SLOWDOWN = 20


def operation_budget(min_time: float) -> float:
    return max(SMALLEST_OPERATION_BUDGET_SECONDS, 10 * min_time)


@dataclass
class Plan:
    once: bool = False  # one repetition of one operation (the noise cannot be measured)
    estimate_seconds: Optional[float] = None
    heap_probe: bool = True  # False where one operation under tracemalloc would take too long
    skip: Optional[str] = None  # why it does not run at all

    def why_once(self, min_time: float) -> str:
        return (
            f"measured once: one operation takes ~{self.estimate_seconds:.1f} s, over the "
            f"{operation_budget(min_time):.2f} s a repetition may take in this profile; one repetition, "
            "no warm-up, no heap probe, noise not measured"
        )


def plan(estimate_seconds: Optional[Callable[[], float]], min_time: float, what: str) -> Plan:
    """The plan for a benchmark whose operation is estimated by `estimate_seconds` (None: short)."""
    if estimate_seconds is None:
        return Plan()
    estimate = estimate_seconds()
    if estimate > LONGEST_OPERATION_SECONDS:
        return Plan(
            estimate_seconds=estimate,
            skip=f"{what}: ~{estimate:.1f} s per operation, over the {LONGEST_OPERATION_SECONDS:g} s "
            "one operation may take in any profile",
        )
    if estimate > operation_budget(min_time):
        return Plan(once=True, estimate_seconds=estimate, heap_probe=False)
    return Plan(estimate_seconds=estimate, heap_probe=estimate * TRACEMALLOC_SLOWDOWN <= LONGEST_OPERATION_SECONDS)
