"""Figures and what every chart kind shares: the Agg backend and text sizes, the Chart record and its file
name, panel grids with a legend row below them, and one colour and line style per series.

Figures are built with matplotlib's object API on the Agg backend (no pyplot state, no display)."""
import math
import re
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from .model import sort_key_params  # noqa: E402

MIN_WIDTH = 7.0  # inches: room for the figure title above a single panel
DPI = 110
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


def panel_height(rows: int) -> float:
    return 0.26 * max(rows, 1) + 0.95
