"""Sorted horizontal bar panels: one bar per implementation, the spread of its repetitions as whiskers,
unstable results hatched and marked, and the reason written in place of a bar that has no value."""
from dataclasses import dataclass

from ybresults import units

from . import metrics
from .figures import tag
from .scales import AxisPlan, apply_axis, fit_value_limits

UNSTABLE_HATCH = "////"


@dataclass
class Bar:
    impl: str  # picks the colour
    label: str  # the row name: implementation plus its own extra parameters
    value: float = None
    low: float = None
    high: float = None
    unstable: bool = False
    note: str = ""


def bars_for(benches: list, key: str, unstable_marks: bool = True) -> list:
    bars = []
    for bench in benches:
        if bench.failed:
            bars.append(Bar(bench.impl, bench.series, note=f"{bench.status} (see table)"))
            continue
        value = bench.value(key)
        if value is None:
            bars.append(Bar(bench.impl, bench.series, note="not measured"))
            continue
        spread = bench.interval(key)
        bars.append(
            Bar(
                bench.impl,
                bench.series,
                value,
                *(spread or (None, None)),
                unstable=unstable_marks and key in metrics.TIMES and bench.unstable,
            )
        )
    return bars


def bar_extent(bars: list):
    values = [b.value for b in bars if b.value is not None]
    highs = [max(b.value, b.high if b.high is not None else b.value) for b in bars if b.value is not None]
    lows = [min(b.value, b.low if b.low is not None else b.value) for b in bars if b.value is not None]
    return values + highs + lows, (max(highs) if highs else None)


def draw_bars(ax, bars: list, plan: AxisPlan, colors: dict, title: str, shades: dict = None):
    """Horizontal bars, smallest on top, whiskers for the spread, the value written beside each bar;
    implementations without a value are listed with the reason instead of a zero-length bar. `shades`
    ({row label: colour}) gives an implementation's variants their own shade of its colour."""
    shown = sorted((b for b in bars if b.value is not None), key=lambda b: (b.value, b.label))
    shown += [b for b in bars if b.value is None]
    apply_axis(ax, "x", plan)
    for y, bar in enumerate(shown):
        if bar.value is None:
            ax.annotate(
                bar.note,
                xy=(0.01, y),
                xycoords=ax.get_yaxis_transform(),
                va="center",
                fontsize=7.5,
                color="#555555",
                style="italic",
            )
            continue
        value = bar.value / plan.div
        hatch = UNSTABLE_HATCH if bar.unstable else None
        color = (shades or {}).get(bar.label) or colors[bar.impl]
        for patch in ax.barh(
            y, value, height=0.66, color=color, hatch=hatch, edgecolor="white" if hatch else color, linewidth=0
        ):
            tag(patch, bar.impl, bar.label)
        end = value
        if bar.low is not None and bar.high is not None:
            low, high = bar.low / plan.div, bar.high / plan.div
            ax.errorbar(
                value,
                y,
                xerr=[[max(value - low, 0)], [max(high - value, 0)]],
                fmt="none",
                ecolor="#222222",
                elinewidth=1,
                capsize=2.5,
            )
            end = max(value, high)
        ax.annotate(
            units.fmt_value(plan.kind, bar.value),
            xy=(end, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    labels = [b.label + ("  (unstable)" if b.unstable else "") for b in shown]
    ax.set_yticks(range(len(shown)), labels)
    for label, bar in zip(ax.get_yticklabels(), shown):
        if bar.unstable:
            label.set_color("#b00020")
    ax.set_ylim(len(shown) - 0.5, -0.5)
    values, high = bar_extent(shown)
    positive = [v for v in values if v > 0]
    fit_value_limits(ax, "x", plan, min(positive) if positive else 0, high)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
