"""Two results (a base and a new one) as one Comparison: the checks that make it meaningful, the pairs of
benchmarks, their verdicts (verdict.decide), and the exit status. `mode` says where the base came from:

  ab        the same machine, base and head run alternately in separate processes: drift is shared, so a
            whole-run shift is a build-wide change and fails the gate like a regression
  baseline  a committed file from another day: a whole-run shift in time may be the machine's drift, so it
            is reported, not failed (instruction counts do not drift: there it fails)"""
import math
from dataclasses import dataclass, field

import ybresults

from . import samples
from .errors import GateError
from .thresholds import load_thresholds, threshold_for
from .verdict import ALPHA, KINDS, decide

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
MODES = ("ab", "baseline")


@dataclass
class Comparison:
    base: ybresults.Results
    new: ybresults.Results
    alpha: float
    verdicts: list
    shift: object = None  # verdict.Shift or None
    mode: str = "baseline"
    new_only: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    confirmation: str = ""  # what the confirmation pass did, when there was one

    @property
    def measure(self) -> str:
        return self.base.measure

    def count(self, kind: str) -> int:
        return sum(verdict.kind == kind for verdict in self.verdicts)

    def of_kind(self, kind: str) -> list:
        return [verdict for verdict in self.verdicts if verdict.kind == kind]

    @property
    def shift_fails(self) -> bool:
        """A whole-run slowdown fails where drift cannot explain it: A/B on one machine, or instruction counts."""
        return bool(self.shift) and self.shift.change > 0 and (self.mode == "ab" or self.measure == "instructions")

    @property
    def exit_status(self) -> int:
        return 1 if self.count("regression") or self.shift_fails else 0


def _differs(base, new, key: str) -> bool:
    old, now = base.context.get(key), new.context.get(key)
    return old is not None and now is not None and str(old) != str(now)


def context_warnings(base, new) -> list:
    return [
        f"{shown} differs: base '{base.context[key]}', new '{new.context[key]}'"
        for key, shown in CONTEXT_KEYS.items()
        if _differs(base, new, key)
    ]


def check_compatible(base, new) -> None:
    """GateError when no verdict could mean anything: other measure modes, builds or machine classes."""
    if base.measure != new.measure:
        # Nanoseconds against instruction counts: every verdict would be nonsense.
        raise GateError(
            f"measure modes differ: {base.path} is '{base.measure}', {new.path} is "
            f"'{new.measure}'; compare results of the same mode"
        )
    differing = [key for key in INCOMPATIBLE_KEYS.get(base.measure, ()) if _differs(base, new, key)]
    if differing:
        shown = "; ".join(
            f"{CONTEXT_NAMES[key]}: base '{base.context[key]}', new '{new.context[key]}'" for key in differing
        )
        raise GateError(
            f"results from incompatible contexts ({shown}): {base.measure} verdicts need the same build "
            f"and machine class (`yieldbench report BASE NEW` draws them side by side)"
        )


def pairs(base, new, threshold=None, rules=None) -> list:
    """A samples.Pair for every benchmark both results have, in the base's order."""
    rules = load_thresholds() if rules is None else rules
    key = "instructions" if base.measure == "instructions" else "time_ns"
    found = []
    for name, old in base.benchmarks.items():
        now = new.benchmarks.get(name)
        if now is None:
            continue
        shown = {
            "heap peak": (samples.of(old, "heap_peak_bytes").median, samples.of(now, "heap_peak_bytes").median),
            "ctx sw": (samples.context_switches(old).median, samples.context_switches(now).median),
        }
        shown = {label: values for label, values in shown.items() if not any(map(math.isnan, values))}
        found.append(
            samples.Pair(
                name,
                samples.of(old, key),
                samples.of(now, key),
                threshold_for(name, base.measure, rules, threshold),
                shown,
            )
        )
    return found


def compare(base, new, threshold=None, alpha: float = ALPHA, rules=None, mode: str = "baseline") -> Comparison:
    """The verdict on `new` against `base` (ybresults.Results), every benchmark they share."""
    check_compatible(base, new)
    if not any(name in new.benchmarks for name in base.benchmarks):
        # A gate that judged nothing must not pass: the files are of other families or suites.
        raise GateError(
            f"no benchmark in common: {new.path} has none of the {len(base.benchmarks)} in {base.path} "
            f"(e.g. '{next(iter(base.benchmarks))}'); nothing to judge"
        )
    found = pairs(base, new, threshold, rules)
    verdicts, shift = decide(found, alpha, deterministic=base.measure == "instructions")
    verdicts.sort(key=lambda verdict: (KINDS.index(verdict.kind), verdict.name))
    return Comparison(
        base,
        new,
        alpha,
        verdicts,
        shift,
        mode,
        new_only=[name for name in new.benchmarks if name not in base.benchmarks],
        missing=[name for name in base.benchmarks if name not in new.benchmarks],
        warnings=context_warnings(base, new),
    )
