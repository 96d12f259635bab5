"""Figures and what every chart kind shares: the Agg backend and text sizes, the Chart record and its file
name, panel grids with a legend row below them, and one colour and line style per series.

Figures are built with matplotlib's object API on the Agg backend (no pyplot state, no display)."""
import io
import math
import re
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402

from PIL import Image  # noqa: E402

from . import colors as palette  # noqa: E402

from .model import sort_key_params  # noqa: E402

_TEXT_TO_PATH = TextToPath()

MIN_WIDTH = 7.0  # inches: room for the figure title above a single panel
DPI = 110
PNG_COMPRESSION = 3  # zlib level: a third faster to write than Pillow's 6, files 1.5% larger
STYLE = {
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 10.5,
    "hatch.linewidth": 0.8,
    # A fixed title height: matplotlib otherwise moves each title above any top tick labels, measuring every
    # panel's ticks again on each draw (no chart here has top tick labels).
    "axes.titley": 1.0,
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


def render(fig: Figure) -> FigureCanvasAgg:
    """Lay the figure out and draw it, once: savefig would lay out in a draw of its own first."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas


def png_bytes(fig: Figure) -> bytes:
    """The figure as a PNG (RGB: every figure is opaque)."""
    canvas = render(fig)
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESSION)
    return buffer.getvalue()


def slug(*parts) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(str(p) for p in parts if p != "")).strip("_")


def chunked(items: list, size: int) -> list:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def part_suffix(index: int, total: int) -> str:
    return f"p{index + 1}" if total > 1 else ""


def tag(artist, impl: str, series: str = None):
    """Mark an artist as drawn for `impl` (and its `series`, where that differs): tests check the colours;
    SVG output would carry it as an id."""
    artist.set_gid(f"impl:{impl}" + (f"/{series}" if series and series != impl else ""))
    return artist


def make_grid(n: int, ncols: int, panel_w: float, panel_h: float, legend_lines: int = 0, min_width: float = 0):
    """A constrained-layout figure with `n` panels and, below them, an axes-free row for a legend; at least
    `min_width` wide (the legend's own width, see legend_layout)."""
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    legend_h = 0.28 * legend_lines + 0.15 if legend_lines else 0
    fig = Figure(
        figsize=(max(panel_w * ncols, MIN_WIDTH, min_width), panel_h * nrows + legend_h + 0.45),
        layout="constrained",
        dpi=DPI,
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


@dataclass
class Look:
    color: str
    linestyle: str
    marker: str


def series_styles(benches: list, colors: dict) -> dict:
    """{series: Look}: the implementation's colour and marker; its variants (eager_vector (pages=cold),
    eager_vector (pages=warm)) told apart by shades of that colour and by line style."""
    variants = {}
    for bench in benches:
        found = variants.setdefault(bench.impl, [])
        if bench.variant not in found:
            found.append(bench.variant)
    styles = {}
    for bench in sorted(benches, key=lambda b: b.series):
        index = sorted(variants[bench.impl], key=sort_key_params).index(bench.variant)
        base = colors[bench.impl]
        styles[bench.series] = Look(
            palette.variant_colour(base, index), VARIANT_STYLES[index % len(VARIANT_STYLES)], palette.marker(base)
        )
    return styles


def series_handles(styles: dict) -> list:
    return [
        Line2D([], [], color=look.color, linestyle=look.linestyle, marker=look.marker, label=name)
        for name, look in styles.items()
    ]


LEGEND_HANDLE_EM = 2.2 + 0.8 + 1.6  # handlelength + handletextpad + columnspacing, in font sizes
LEGEND_MARGIN_IN = 0.3  # the figure's own padding either side of the legend row


def text_width_in(text: str, size: float) -> float:
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return width / 72.0


def legend_layout(labels: list, width_in: float):
    """(columns, rows, width): as many columns as fit `width_in` given the widest label, measured with the
    legend's font; the width grows where even one column would not fit, so no legend is cut off."""
    if not labels:
        return 1, 0, width_in
    size = matplotlib.rcParams["legend.fontsize"]
    column = max(text_width_in(label, size) for label in labels) + LEGEND_HANDLE_EM * size / 72.0
    ncol = max(1, min(len(labels), int((width_in - LEGEND_MARGIN_IN) // column)))
    return ncol, math.ceil(len(labels) / ncol), max(width_in, column * ncol + LEGEND_MARGIN_IN)


def panel_height(rows: int) -> float:
    return 0.26 * max(rows, 1) + 0.95
