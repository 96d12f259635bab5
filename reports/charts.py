"""Charts of one set of results, per section and workload: time per iteration, memory, context switches,
latency percentiles and one scaling chart per numeric parameter sweep. Also the drawing helpers (axes
with units, sorted bar panels, panel grids) that the comparison charts share.

Figures are built with matplotlib's object API on the Agg backend (no pyplot state, no display)."""
import math
import re
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
from matplotlib import ticker  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ybresults import units  # noqa: E402

from . import metrics  # noqa: E402
from .model import case_label, cases, param_number, sort_key_params, sweeps  # noqa: E402

DECADES = 100.0  # values spanning this ratio or more get a log axis
MAX_PANELS = 12  # case panels per figure; more cases continue in a second figure
MAX_ROWS = 5  # rows of the memory and scaling grids per figure
MIN_WIDTH = 7.0  # inches: room for the figure title above a single panel
DPI = 110
UNSTABLE_HATCH = "////"
STYLE = {
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 10.5,
    "hatch.linewidth": 0.8,
}
matplotlib.rcParams.update(STYLE)

TIME_CAPTION = (
    "Bars: median over repetitions; whiskers: min–max of the repetitions. "
    "Hatched and marked “unstable”: repetitions varied more than the noise limit. "
    "A log axis is used where values span two decades or more."
)


@dataclass
class Chart:
    filename: str
    title: str
    section: str
    workload: str
    kind: str  # time, memory, ctx, latency, scaling, compare-bars, compare-change
    caption: str
    figure: Figure = field(repr=False, default=None)
    colors: dict = field(default_factory=dict)  # implementation -> colour drawn for it


def slug(*parts) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(str(p) for p in parts if p != "")).strip("_")


def chunked(items: list, size: int) -> list:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def part_suffix(index: int, total: int) -> str:
    return f"p{index + 1}" if total > 1 else ""


def tag(artist, impl: str):
    """Mark an artist as drawn for `impl` (tests check the colours; SVG output would carry it as an id)."""
    artist.set_gid(f"impl:{impl}")
    return artist


# ---------------------------------------------------------------------------------------------- axes


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


def make_grid(n: int, ncols: int, panel_w: float, panel_h: float, legend_lines: int = 0):
    """A constrained-layout figure with `n` panels and, below them, an axes-free row for a legend."""
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    legend_h = 0.28 * legend_lines + 0.15 if legend_lines else 0
    fig = Figure(
        figsize=(max(panel_w * ncols, MIN_WIDTH), panel_h * nrows + legend_h + 0.45), layout="constrained", dpi=DPI
    )
    ratios = [panel_h] * nrows + ([legend_h] if legend_lines else [])
    spec = fig.add_gridspec(len(ratios), ncols, height_ratios=ratios)
    axes = [fig.add_subplot(spec[i // ncols, i % ncols]) for i in range(n)]
    legend_ax = None
    if legend_lines:
        legend_ax = fig.add_subplot(spec[nrows, :])
        legend_ax.axis("off")
    return fig, axes, legend_ax


def put_legend(legend_ax, handles: list, ncol: int):
    if legend_ax is not None and handles:
        legend_ax.legend(
            handles=handles, loc="center", ncol=max(1, ncol), frameon=False, handlelength=2.2, columnspacing=1.6
        )


VARIANT_STYLES = ("-", "--", ":", "-.")


def series_styles(benches: list, colors: dict) -> dict:
    """{series: (colour, line style)}: the implementation's colour; its variants (eager_vector (pages=cold),
    eager_vector (pages=warm)) told apart by line style."""
    variants = {}
    for bench in benches:
        found = variants.setdefault(bench.impl, [])
        if bench.variant not in found:
            found.append(bench.variant)
    styles = {}
    for bench in sorted(benches, key=lambda b: b.series):
        order = sorted(variants[bench.impl], key=sort_key_params)
        styles[bench.series] = (colors[bench.impl], VARIANT_STYLES[order.index(bench.variant) % len(VARIANT_STYLES)])
    return styles


def series_handles(styles: dict) -> list:
    return [Line2D([], [], color=c, linestyle=ls, marker="o", label=name) for name, (c, ls) in styles.items()]


def legend_layout(count: int, width_in: float):
    ncol = max(1, min(count, int(width_in // 2.2)))
    return ncol, math.ceil(count / ncol) if count else 0


# ---------------------------------------------------------------------------------------------- bars


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
            bars.append(Bar(bench.impl, bench.series, note="failed (see table)"))
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
                unstable=unstable_marks and key == metrics.TIME.key and bench.unstable,
            )
        )
    return bars


def bar_extent(bars: list):
    values = [b.value for b in bars if b.value is not None]
    highs = [max(b.value, b.high if b.high is not None else b.value) for b in bars if b.value is not None]
    lows = [min(b.value, b.low if b.low is not None else b.value) for b in bars if b.value is not None]
    return values + highs + lows, (max(highs) if highs else None)


def draw_bars(ax, bars: list, plan: AxisPlan, colors: dict, title: str):
    """Horizontal bars, smallest on top, whiskers for the spread, the value written beside each bar;
    implementations without a value are listed with the reason instead of a zero-length bar."""
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
        for patch in ax.barh(
            y,
            value,
            height=0.66,
            color=colors[bar.impl],
            hatch=hatch,
            edgecolor="white" if hatch else colors[bar.impl],
            linewidth=0,
        ):
            tag(patch, bar.impl)
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


def panel_height(rows: int) -> float:
    return 0.26 * max(rows, 1) + 0.95


# ---------------------------------------------------------------------------------------------- charts


def time_charts(section: str, workload: str, benches: list, colors: dict):
    groups = [
        (p, bs)
        for p, bs in cases(benches).items()
        if any(b.value(metrics.TIME.key) is not None or b.failed for b in bs)
    ]
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        if not part:
            return
        rows = max(len(bs) for _, bs in part)
        fig, axes, _ = make_grid(len(part), 3 if len(part) > 4 else 2, 4.9, panel_height(rows))
        for ax, (params, bs) in zip(axes, part):
            bars = bars_for(bs, metrics.TIME.key)
            values, _ = bar_extent(bars)
            draw_bars(ax, bars, plan_axis("time", metrics.TIME.title, values), colors, case_label(params))
        fig.suptitle(f"{section} / {workload}: wall time per iteration (shorter is faster)")
        yield Chart(
            slug(section, workload, "time", part_suffix(index, len(parts))) + ".png",
            f"{workload}: time per iteration",
            section,
            workload,
            "time",
            TIME_CAPTION,
            fig,
            {b.impl: colors[b.impl] for _, bs in part for b in bs},
        )


def memory_charts(section: str, workload: str, benches: list, colors: dict):
    present = [m for m in metrics.MEMORY if any(b.has(m.key) for b in benches)]
    if not present:
        return
    groups = [(p, bs) for p, bs in cases(benches).items() if any(b.has(m.key) for m in present for b in bs)]
    if not groups:
        return
    parts = chunked(groups, MAX_ROWS)
    for index, part in enumerate(parts):
        rows = max(len(bs) for _, bs in part)
        fig, axes, _ = make_grid(len(part) * len(present), len(present), 4.6, panel_height(rows))
        cells = iter(axes)
        for params, bs in part:
            for metric in present:
                ax = next(cells)
                bars = bars_for(bs, metric.key)
                values, _ = bar_extent(bars)
                draw_bars(
                    ax, bars, plan_axis("bytes", metric.title, values), colors, f"{metric.title} — {case_label(params)}"
                )
        fig.suptitle(f"{section} / {workload}: memory (smaller is better)")
        caption = (
            "Heap peak: most live heap bytes during the measured region; RSS peak growth: resident set "
            "growth; memory per unit: per coroutine, connection or worker. Median over repetitions, "
            "whiskers min–max. “not measured”: the counter was absent, never a zero."
        )
        yield Chart(
            slug(section, workload, "memory", part_suffix(index, len(parts))) + ".png",
            f"{workload}: memory",
            section,
            workload,
            "memory",
            caption,
            fig,
            {b.impl: colors[b.impl] for _, bs in part for b in bs},
        )


def _draw_ctx(ax, benches: list, colors: dict, title: str):
    rows = []
    for bench in benches:
        vol = None if bench.failed else bench.value(metrics.CTX_VOLUNTARY.key)
        inv = None if bench.failed else bench.value(metrics.CTX_INVOLUNTARY.key)
        note = "failed (see table)" if bench.failed else ("not measured" if vol is None and inv is None else "")
        rows.append((bench.series, vol, inv, note, bench.impl))
    measured = sorted((r for r in rows if not r[3]), key=lambda r: ((r[1] or 0) + (r[2] or 0), r[0]))
    shown = measured + [r for r in rows if r[3]]
    totals = [(r[1] or 0) + (r[2] or 0) for r in measured]
    top = max(totals, default=0)
    for y, (_label, vol, inv, note, impl) in enumerate(shown):
        if note:
            ax.annotate(
                note,
                xy=(0.01, y),
                xycoords=ax.get_yaxis_transform(),
                va="center",
                fontsize=7.5,
                color="#555555",
                style="italic",
            )
            continue
        for patch in ax.barh(y, vol or 0, height=0.66, color=colors[impl], linewidth=0):
            tag(patch, impl)
        for patch in ax.barh(
            y,
            inv or 0,
            left=vol or 0,
            height=0.66,
            color=colors[impl],
            alpha=0.55,
            hatch="////",
            edgecolor="white",
            linewidth=0,
        ):
            tag(patch, impl)
        text = units.fmt_count((vol or 0) + (inv or 0))
        if vol is None or inv is None:
            text += " (involuntary n/a)" if inv is None else " (voluntary n/a)"
        ax.annotate(
            text, xy=((vol or 0) + (inv or 0), y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5
        )
    ax.set_yticks(range(len(shown)), [r[0] for r in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, top / 0.7 if top > 0 else 1)
    ax.set_xlabel("context switches per operation")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def ctx_charts(section: str, workload: str, benches: list, colors: dict):
    keys = [m.key for m in metrics.CONTEXT_SWITCHES]
    groups = [(p, bs) for p, bs in cases(benches).items() if any(b.has(k) for k in keys for b in bs)]
    if not groups:
        return
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        rows = max(len(bs) for _, bs in part)
        fig, axes, legend_ax = make_grid(len(part), 3 if len(part) > 4 else 2, 4.9, panel_height(rows), 1)
        for ax, (params, bs) in zip(axes, part):
            _draw_ctx(ax, bs, colors, case_label(params))
        put_legend(
            legend_ax,
            [
                Patch(facecolor="#777777", label="voluntary (waits: I/O, locks, yields)"),
                Patch(
                    facecolor="#777777", alpha=0.55, hatch="////", edgecolor="white", label="involuntary (preempted)"
                ),
            ],
            2,
        )
        fig.suptitle(f"{section} / {workload}: context switches per operation")
        caption = (
            "Voluntary (solid) and involuntary (hatched) context switches per operation, self plus "
            "children, stacked; median over repetitions."
        )
        yield Chart(
            slug(section, workload, "ctx", part_suffix(index, len(parts))) + ".png",
            f"{workload}: context switches",
            section,
            workload,
            "ctx",
            caption,
            fig,
            {b.impl: colors[b.impl] for _, bs in part for b in bs},
        )


def latency_charts(section: str, workload: str, benches: list, colors: dict):
    keys = [m.key for m in metrics.LATENCY]
    groups = [(p, [b for b in bs if not b.failed and any(b.has(k) for k in keys)]) for p, bs in cases(benches).items()]
    groups = [(p, bs) for p, bs in groups if bs]
    if not groups:
        return
    styles = series_styles([b for _, bs in groups for b in bs], colors)
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        ncols = 3 if len(part) > 4 else min(2, len(part))
        ncol, lines = legend_layout(len(styles), 4.6 * ncols)
        fig, axes, legend_ax = make_grid(len(part), ncols, 4.6, 2.9, lines)
        for ax, (params, bs) in zip(axes, part):
            present = [m for m in metrics.LATENCY if any(b.has(m.key) for b in bs)]
            values = [b.value(m.key) for b in bs for m in present]
            plan = plan_axis("time", "latency per operation", values, force_log=True)
            apply_axis(ax, "y", plan)
            for bench in sorted(bs, key=lambda b: b.series):
                points = [(i, bench.value(m.key)) for i, m in enumerate(present) if bench.has(m.key)]
                color, style = styles[bench.series]
                (line,) = ax.plot(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    marker="o",
                    markersize=4,
                    color=color,
                    linestyle=style,
                    label=bench.series,
                )
                tag(line, bench.impl)
            ax.set_xticks(range(len(present)), [m.title for m in present])
            ax.set_xlabel("percentile of per-operation latency")
            ax.set_title(case_label(params))
            ax.grid(alpha=0.3)
        put_legend(legend_ax, series_handles(styles), ncol)
        fig.suptitle(f"{section} / {workload}: latency percentiles (lower is better)")
        missing = sorted(
            {
                b.series + (f" ({b.labels[0]})" if b.labels else "")
                for b in benches
                if not b.failed and not any(b.has(k) for k in keys)
            }
        )
        caption = "Per-operation latency from the harness histogram (≤1% relative error), log scale."
        if missing:
            caption += " No latency recorded for: " + "; ".join(missing) + "."
        yield Chart(
            slug(section, workload, "latency", part_suffix(index, len(parts))) + ".png",
            f"{workload}: latency percentiles",
            section,
            workload,
            "latency",
            caption,
            fig,
            {b.impl: colors[b.impl] for _, bs in groups for b in bs},
        )


def scaling_charts(section: str, workload: str, benches: list, colors: dict):
    ok = [b for b in benches if not b.failed]
    for key in sweeps(ok):
        present = [m for m in metrics.SCALING if any(b.has(m.key) for b in ok)]
        groups = {}
        for bench in ok:
            rest = tuple((k, v) for k, v in bench.case if k != key)
            groups.setdefault(rest, []).append(bench)
        # a line needs two points: keep groups where some implementation has two values of the sweep
        rows = [
            (rest, bs)
            for rest, bs in cases_like(groups)
            if any(len({dict(b.case)[key] for b in bs if b.series == name}) >= 2 for name in {b.series for b in bs})
        ]
        if not rows or not present:
            continue
        styles = series_styles([b for _, bs in rows for b in bs], colors)
        parts = chunked(rows, MAX_ROWS)
        for index, part in enumerate(parts):
            ncol, lines = legend_layout(len(styles), 4.4 * len(present))
            fig, axes, legend_ax = make_grid(len(part) * len(present), len(present), 4.4, 3.0, lines)
            cells = iter(axes)
            for rest, bs in part:
                xs_all = sorted({param_number(dict(b.case)[key]) for b in bs})
                for metric in present:
                    _draw_scaling(next(cells), bs, key, xs_all, metric, rest, styles)
            put_legend(legend_ax, series_handles(styles), ncol)
            fig.suptitle(f"{section} / {workload}: scaling with {key}")
            caption = (
                f"Each metric against the parameter {key}; one line per implementation, median over "
                "repetitions with min–max whiskers. Log–log where values span two decades or more: "
                "a line rising with slope 1 grows O(n); a flat line stays constant."
            )
            yield Chart(
                slug(section, workload, "scaling", key, part_suffix(index, len(parts))) + ".png",
                f"{workload}: scaling with {key}",
                section,
                workload,
                "scaling",
                caption,
                fig,
                {b.impl: colors[b.impl] for _, bs in rows for b in bs},
            )


def cases_like(groups: dict) -> list:
    return [(k, groups[k]) for k in sorted(groups, key=sort_key_params)]


def _draw_scaling(ax, benches: list, key: str, xs_all: list, metric, rest: tuple, styles: dict):
    xplan = plan_axis("count", units.param_label(key), xs_all)
    values = []
    for bench in benches:
        values.append(bench.value(metric.key))
        values.extend(bench.interval(metric.key) or ())
    yplan = plan_axis(metric.kind, metric.title, values)
    apply_axis(ax, "y", yplan)
    if xplan.scale != "linear":
        ax.set_xscale("log")
    key_unit = units.PARAM_UNITS.get(key)
    words = ", ".join(w for w in (key_unit, "log scale" if xplan.scale != "linear" else None) if w)
    ax.set_xlabel(f"{key} ({words})" if words else key)
    by_series = {}
    for bench in benches:
        by_series.setdefault(bench.series, []).append(bench)
    drawn = 0
    for name in sorted(by_series):
        points = sorted(
            ((param_number(dict(b.case)[key]), b) for b in by_series[name] if b.has(metric.key)), key=lambda p: p[0]
        )
        if not points:
            continue
        xs = [p[0] for p in points]
        ys = [p[1].value(metric.key) / yplan.div for p in points]
        spreads = [p[1].interval(metric.key) for p in points]
        yerr = None
        if any(spreads):
            yerr = [
                [max(y - (s[0] / yplan.div if s else y), 0) for y, s in zip(ys, spreads)],
                [max((s[1] / yplan.div if s else y) - y, 0) for y, s in zip(ys, spreads)],
            ]
        color, style = styles[name]
        container = ax.errorbar(
            xs,
            ys,
            yerr=yerr,
            color=color,
            linestyle=style,
            marker="o",
            markersize=4,
            capsize=2,
            linewidth=1.4,
            label=name,
        )
        tag(container.lines[0], points[0][1].impl)
        drawn += 1
    if not drawn:
        ax.annotate(
            "not measured", xy=(0.5, 0.5), xycoords="axes fraction", ha="center", color="#555555", style="italic"
        )
    if len(xs_all) <= 8:
        ax.set_xticks(xs_all, [units.fmt_compact(x) for x in xs_all])
        ax.xaxis.set_minor_locator(ticker.NullLocator())
    if yplan.scale == "linear":
        ax.set_ylim(bottom=0)
    title = metric.title + (f" — {case_label(rest)}" if rest else "")
    ax.set_title(title)
    ax.grid(alpha=0.3)


def workload_charts(section: str, workload: str, benches: list, colors: dict):
    """Every chart of one workload, in reading order."""
    yield from time_charts(section, workload, benches, colors)
    yield from memory_charts(section, workload, benches, colors)
    yield from ctx_charts(section, workload, benches, colors)
    yield from latency_charts(section, workload, benches, colors)
    yield from scaling_charts(section, workload, benches, colors)


def run_charts(report, colors: dict):
    """Every chart of the per-section part of a report, in reading order."""
    for section, workloads in report.sections().items():
        for workload, benches in workloads.items():
            yield from workload_charts(section, workload, benches, colors)
