"""Charts of a comparison between results files: side-by-side bars per implementation (one bar per file, time per
item where the workload declares items) and the % change of time against the baseline (the same per operation or
per item), changes beyond the runs' noise highlighted."""
import math

from matplotlib.patches import Patch

from ybresults import units

from . import colors as palette
from . import metrics
from .compare import grouped
from .figures import (
    MIN_WIDTH,
    Chart,
    chunked,
    legend_layout,
    make_grid,
    panel_height,
    part_suffix,
    put_legend,
    slug,
    tag,
)
from .model import case_label
from .scales import apply_axis, fit_value_limits, plan_axis

FILE_HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "++++", "oo")
MAX_CHANGE_ROWS = 40


def file_hatch(index: int) -> str:
    return FILE_HATCHES[index % len(FILE_HATCHES)]


def file_handles(report, indices) -> list:
    return [
        Patch(
            facecolor="#8a8a8a",
            hatch=file_hatch(i),
            edgecolor="white",
            linewidth=0,
            label=report.files[i].label + (" (baseline)" if n == 0 else ""),
        )
        for n, i in enumerate(indices)
    ]


def _draw_side_by_side(ax, items: list, colors: dict, title: str):
    metric = metrics.headline_time([b for item in items for _, b in item.versions])
    key = metric.key
    files = sorted({i for item in items for i, _ in item.versions})
    values = [
        v
        for item in items
        for _, b in item.versions
        if not b.failed
        for v in ((b.value(key),) + (b.interval(key) or ()))
        if v is not None
    ]
    plan = plan_axis("time", metric.title, values)
    apply_axis(ax, "x", plan)

    def base_value(item):
        value = None if item.versions[0][1].failed else item.versions[0][1].value(key)
        return (value is None, value or 0)

    ordered = sorted(items, key=base_value)
    height = 0.8 / len(files)
    high = None
    for row, item in enumerate(ordered):
        for bench_index, bench in item.versions:
            slot = files.index(bench_index)
            y = row - 0.4 + height * (slot + 0.5)
            value = None if bench.failed else bench.value(key)
            if value is None:
                continue
            hatch = file_hatch(bench_index)
            for patch in ax.barh(
                y,
                value / plan.div,
                height=height * 0.92,
                color=colors[item.impl],
                hatch=hatch or None,
                edgecolor="white",
                linewidth=0,
            ):
                tag(patch, item.impl)
            spread = bench.interval(key)
            end = value
            if spread:
                ax.errorbar(
                    value / plan.div,
                    y,
                    xerr=[[max(value - spread[0], 0) / plan.div], [max(spread[1] - value, 0) / plan.div]],
                    fmt="none",
                    ecolor="#222222",
                    elinewidth=0.9,
                    capsize=2,
                )
                end = max(value, spread[1])
            high = end if high is None else max(high, end)
            ax.annotate(
                units.fmt_time(value),
                xy=(end / plan.div, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
            )
    ax.set_yticks(range(len(ordered)), [item.series for item in ordered])
    ax.set_ylim(len(ordered) - 0.5, -0.5)
    positive = [v for v in values if v > 0]
    fit_value_limits(ax, "x", plan, min(positive) if positive else 0, high)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def side_by_side_charts(report, section: str, workload: str, items: list, colors: dict):
    by_case = {}
    for item in items:
        by_case.setdefault(item.case, []).append(item)
    groups = list(by_case.items())
    files = sorted({i for item in items for i, _ in item.versions})
    parts = chunked(groups, 12)
    for index, part in enumerate(parts):
        rows = max(len(its) for _, its in part) * max(1, len(files) * 0.6)
        ncols = 3 if len(part) > 4 else min(2, len(part))
        handles = file_handles(report, files)
        ncol, lines, width = legend_layout([h.get_label() for h in handles], max(5.0 * ncols, MIN_WIDTH))
        fig, axes, legend_ax = make_grid(len(part), ncols, 5.0, panel_height(int(rows)), lines, width)
        for ax, (params, its) in zip(axes, part):
            _draw_side_by_side(ax, its, colors, case_label(params))
        put_legend(legend_ax, handles, ncol)
        time = metrics.headline_time([b for item in items for _, b in item.versions])
        fig.suptitle(f"{section} / {workload}: {time.title}, side by side")
        caption = (
            "One bar per results file (hatching tells the files apart, colour the implementation); "
            "median over repetitions, whiskers min–max."
        )
        yield Chart(
            slug("compare", section, workload, "bars", part_suffix(index, len(parts))) + ".png",
            f"{workload}: side by side",
            section,
            workload,
            "compare-bars",
            caption,
            fig,
            {item.impl: colors[item.impl] for _, its in part for item in its},
        )


def change_charts(report, section: str, workload: str, items: list, colors: dict):
    key = metrics.TIME.key
    items = [item for item in items if item.changes.get(key)]
    if not items:
        return
    later = sorted({c.new_index for item in items for c in item.changes[key]})
    several_cases = len({item.case for item in items}) > 1
    ordered = sorted(items, key=lambda it: -_finite(it.change(key).ratio))
    parts = chunked(ordered, MAX_CHANGE_ROWS)
    for index, part in enumerate(parts):
        rows = len(part) * max(1, len(later) * 0.7)
        handles = [
            Patch(facecolor="#555555", edgecolor="black", linewidth=1.0, label="beyond noise"),
            Patch(facecolor="#555555", alpha=0.3, label="within noise"),
            Patch(facecolor="white", edgecolor="#777777", label="grey whisker: noise limit ±"),
        ]
        if len(later) > 1:
            handles += file_handles(report, later)
        ncol, lines, width = legend_layout([h.get_label() for h in handles], 7.5)
        fig, axes, legend_ax = make_grid(1, 1, width, 0.24 * rows + 1.1, lines, width)
        ax = axes[0]
        height = 0.8 / len(later)
        extent = 0.0
        for row, item in enumerate(part):
            for change in item.changes[key]:
                slot = later.index(change.new_index)
                y = row - 0.4 + height * (slot + 0.5)
                pct = _finite(change.ratio) * 100
                hatch = file_hatch(change.new_index) if len(later) > 1 else None
                for patch in ax.barh(
                    y,
                    pct,
                    height=height * 0.9,
                    color=colors[item.impl],
                    alpha=1.0 if change.beyond_noise else 0.3,
                    hatch=hatch,
                    edgecolor="black" if change.beyond_noise else "white",
                    linewidth=1.0 if change.beyond_noise else 0,
                ):
                    tag(patch, item.impl)
                ax.errorbar(0, y, xerr=change.threshold * 100, fmt="none", ecolor="#777777", elinewidth=1, capsize=2.5)
                text = units.fmt_pct(change.ratio)
                if change.beyond_noise:
                    text += "  beyond noise" + ("" if change.noise_known else " (noise unknown)")
                reach = max(abs(pct), change.threshold * 100)
                ax.annotate(
                    text,
                    xy=(math.copysign(reach, pct), y),
                    xytext=(4 if pct >= 0 else -4, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left" if pct >= 0 else "right",
                    fontsize=7.5,
                    fontweight="bold" if change.beyond_noise else "normal",
                )
                extent = max(extent, abs(pct), change.threshold * 100)
        labels = [item.series + (f" · {case_label(item.case)}" if several_cases else "") for item in part]
        ax.set_yticks(range(len(part)), labels)
        ax.set_ylim(len(part) - 0.5, -0.5)
        ax.set_xlim(-extent * 2.5 - 1, extent * 2.5 + 1)
        ax.axvline(0, color="#333333", linewidth=0.8)
        base_label = report.files[items[0].versions[0][0]].label
        ax.set_xlabel(f"change in wall time vs {base_label} (%; + = slower)")
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        put_legend(legend_ax, handles, ncol)
        fig.suptitle(f"{section} / {workload}: change in wall time")
        caption = (
            "Change of the median wall time (per operation or per item alike) against the baseline file. "
            "Solid bars with a black "
            "edge: larger than the runs’ own noise (2 × the larger coefficient of variation, at least 1%, "
            "and non-overlapping repetition ranges; 10% where the noise is unknown); faded bars: within "
            "noise. The grey whisker around 0 shows each benchmark’s noise limit."
        )
        yield Chart(
            slug("compare", section, workload, "change", part_suffix(index, len(parts))) + ".png",
            f"{workload}: % change",
            section,
            workload,
            "compare-change",
            caption,
            fig,
            {item.impl: colors[item.impl] for item in part},
        )


def _finite(ratio: float) -> float:
    """±inf (baseline 0) drawn as a +1000% bar; the label still says ∞."""
    return math.copysign(10.0, ratio) if math.isinf(ratio) else ratio


def workload_comparison_charts(report, section: str, workload: str, items: list, colors: dict):
    yield from side_by_side_charts(report, section, workload, items, colors)
    yield from change_charts(report, section, workload, items, colors)


def comparison_charts(report, compared: list, colors: dict = None):
    for (section, workload), items in grouped(compared).items():
        yield from workload_comparison_charts(report, section, workload, items, colors or distinct_colors(items))


def distinct_colors(items: list) -> dict:
    return palette.distinct(item.impl for item in items)
