"""Value axes with units: linear in a readable unit (ms, MiB), or log where values span two decades, with
ticks at round powers (1 KiB, 1 MiB ... for bytes) labelled in the same wording as the tables."""
import math
from dataclasses import dataclass

from matplotlib import ticker

from ybresults import units

DECADES = 100.0  # values spanning this ratio or more get a log axis


@dataclass
class AxisPlan:
    kind: str  # time, bytes, count, rate
    scale: str  # linear, log, symlog
    div: float  # linear axes plot value / div, named by `unit`
    label: str
    linthresh: float = 1.0


def plan_axis(kind: str, title: str, values, force_log: bool = False) -> AxisPlan:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    positive = [v for v in finite if v > 0]
    spans = len(positive) >= 2 and max(positive) / min(positive) >= DECADES
    if positive and (force_log or spans):
        scale = "symlog" if any(v <= 0 for v in finite) else "log"
        return AxisPlan(kind, scale, 1.0, f"{title} (log scale)", linthresh=min(positive))
    top = max((abs(v) for v in finite), default=0.0)
    if kind == "time":
        div, unit = units.time_scale(top)
    elif kind == "bytes":
        div, unit = units.bytes_scale(top)
    else:
        div, unit = 1.0, ""
    return AxisPlan(kind, "linear", div, f"{title} ({unit})" if unit else title)


def apply_axis(ax, which: str, plan: AxisPlan):
    axis = ax.xaxis if which == "x" else ax.yaxis
    set_scale = ax.set_xscale if which == "x" else ax.set_yscale
    (ax.set_xlabel if which == "x" else ax.set_ylabel)(plan.label)
    if plan.scale == "linear":
        set_scale("linear")
        return
    base = 2 if plan.kind == "bytes" else 10
    if plan.scale == "log":
        set_scale("log", base=base)
    else:
        set_scale("symlog", base=base, linthresh=plan.linthresh)
    axis.set_major_locator(PowerLocator(base, most=5 if which == "x" else 7, zero=plan.scale == "symlog"))
    axis.set_major_formatter(ticker.FuncFormatter(lambda x, _pos: units.fmt_value(plan.kind, x)))
    axis.set_minor_formatter(ticker.NullFormatter())
    axis.set_minor_locator(ticker.NullLocator())


class PowerLocator(ticker.Locator):
    """Ticks at powers of `base` (and 0 on symlog axes), thinned to at most `most` ticks; for bytes (base 2)
    the kept powers are multiples of the stride, so 1 KiB, 1 MiB ... survive thinning where they can."""

    def __init__(self, base: int, most: int = 7, zero: bool = False):
        self.base, self.most, self.zero = base, most, zero

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        vmin, vmax = min(vmin, vmax), max(vmin, vmax)
        ticks = [0.0] if self.zero and vmin <= 0 <= vmax else []
        low = max(vmin, 1e-300) if vmin > 0 else None
        if vmax <= 0:
            return ticks
        if low is None:  # symlog: the first power above the linear range near 0
            low = vmax / self.base**60
        first = math.ceil(math.log(low, self.base) - 1e-9)
        last = math.floor(math.log(vmax, self.base) + 1e-9)
        exponents = list(range(first, last + 1))
        if self.zero and ticks:
            exponents = [e for e in exponents if self.base**e >= self._linthresh()]
        room = self.most - len(ticks)
        for stride in (1, 2, 3, 5, 10, 20, 30, 50, 100):
            kept = [e for e in exponents if e % stride == 0]
            if len(kept) <= room:
                break
        powers = [float(self.base) ** e for e in kept]
        if len(powers) < 3 and vmin > 0:  # less than a few decades in view: 1-2-5 steps, then every digit
            for mantissas in (((1, 2, 5) if self.base == 10 else (1, 1.5)), tuple(range(1, 10))):
                span = range(math.floor(math.log(vmin, self.base)), math.ceil(math.log(vmax, self.base)) + 1)
                steps = [m * float(self.base) ** e for e in span for m in mantissas]
                steps = [v for v in steps if vmin <= v <= vmax]
                if len(steps) >= 3 or mantissas[-1] == 9:
                    powers = sorted(set(steps))
                    break
            if len(powers) > self.most:
                powers = powers[:: math.ceil(len(powers) / self.most)]
        return ticks + powers

    def _linthresh(self) -> float:
        transform = self.axis.get_transform() if self.axis is not None else None
        return getattr(transform, "linthresh", 0.0) or 0.0


def fit_value_limits(ax, which: str, plan: AxisPlan, low: float, high: float, room: float = 0.3):
    """Axis limits that show every bar and leave `room` (a fraction of the axis) for value labels."""
    setter = ax.set_xlim if which == "x" else ax.set_ylim
    if high is None:
        return
    high = high / plan.div
    if plan.scale == "linear":
        setter(0, high / (1 - room) if high > 0 else 1)
    elif plan.scale == "log":
        low = max(low / plan.div, 1e-300)
        left = low / 2
        setter(left, left * (high / left) ** (1 / (1 - room)))
    else:
        setter(0, high * 8)
