"""The interactive charts of index.html, built with plotly from the report model: per workload one figure
with a bar per implementation and case for each metric measured (a menu picks the metric), and per compared
workload the files' times side by side. Every figure has log/linear buttons; plotly itself gives hover
values, zoom and legend toggling. The matplotlib PNGs stay the charts of summary.md and CI artifacts."""
import plotly.graph_objects as go

from ybresults import units

from . import metrics
from .charts import series_shades
from .model import case_label, cases, sort_key_params

# Offered in the metric menu after the workload's headline time (per item where it declares items), in this
# order, where some benchmark of the workload reported them.
FIGURE_METRICS = (
    metrics.TIME,
    metrics.CPU_TIME,
    metrics.HEAP_PEAK,
    metrics.RSS_PEAK,
    metrics.BYTES_PER_UNIT,
    metrics.LAT_P50,
    metrics.LAT_P99,
    metrics.LAT_MAX,
)
# Plotted in base units with SI tick labels, so every tick reads naturally (1µs, 4MB, 2k/s); counts per
# operation are often fractions, which SI would write in milli, so they keep plain numbers.
_SCALE = {"time": (1e-9, "s"), "bytes": (1.0, "B"), "rate": (1.0, "/s"), "count": (1.0, "")}
_TICK_FORMAT = {"time": "~s", "bytes": "~s", "rate": "~s", "count": ""}
_FILE_PATTERNS = ("", "/", ".", "x", "\\", "+", "-")
UNSTABLE_PATTERN = "/"
LOG_SPAN = 100.0  # the axis starts logarithmic when values span two decades or more, as the PNG charts do
HEIGHT = 460
HOW_TO_READ = "hover a bar for its value, drag to zoom, double-click to reset"


def _case_text(params: tuple) -> str:
    """A case on the x axis, one parameter a line, so crowded axes stay legible."""
    return case_label(params).replace(", ", "<br>")


def _plotted(metric, value: float) -> float:
    return value * _SCALE[metric.kind][0]


def _axis_type(values: list) -> str:
    positive = [v for v in values if v and v > 0]
    return "log" if positive and max(positive) / min(positive) >= LOG_SPAN else "linear"


def _scale_buttons(axis_type: str, x: float = 1.0) -> dict:
    return dict(
        type="buttons",
        direction="right",
        active=0 if axis_type == "log" else 1,
        buttons=[
            dict(label="log", method="relayout", args=[{"yaxis.type": "log"}]),
            dict(label="linear", method="relayout", args=[{"yaxis.type": "linear"}]),
        ],
        x=x,
        xanchor="right",
        y=1.02,
        yanchor="bottom",
        showactive=True,
        pad=dict(t=0, r=0),
    )


def _axis(metric) -> dict:
    return {
        "yaxis.title.text": metric.title,
        "yaxis.ticksuffix": _SCALE[metric.kind][1],
        "yaxis.tickformat": _TICK_FORMAT[metric.kind],
    }


def _layout(title: str, metric, axis_type: str, menus: list) -> go.Layout:
    return go.Layout(
        template="none",
        title=dict(text=title, x=0.5, xanchor="center", y=0.98, yanchor="top", font=dict(size=13, color="#555555")),
        height=HEIGHT,
        margin=dict(l=70, r=20, t=70, b=60),
        barmode="group",
        bargap=0.2,
        yaxis=dict(
            title=dict(text=metric.title),
            type=axis_type,
            tickformat=_TICK_FORMAT[metric.kind],
            ticksuffix=_SCALE[metric.kind][1],
            gridcolor="#e5e5ea",
            zeroline=False,
        ),
        xaxis=dict(type="category", automargin=True),
        legend=dict(title=dict(text="click to hide, double-click to isolate"), font=dict(size=11)),
        hoverlabel=dict(namelength=-1),
        updatemenus=menus,
    )


def _series_order(benches: list) -> list:
    return sorted({(b.impl, b.series) for b in benches})


def _metric_traces(metric, benches: list, shades: dict, visible: bool) -> list:
    by_case = cases(benches)
    traces = []
    for impl, series in _series_order(benches):
        xs, ys, low, high, text, patterns = [], [], [], [], [], []
        for params, group in by_case.items():
            for bench in group:
                value = None if bench.failed or bench.series != series else bench.value(metric.key)
                if value is None:
                    continue
                spread = bench.interval(metric.key)
                xs.append(_case_text(params))
                ys.append(_plotted(metric, value))
                low.append(_plotted(metric, value - spread[0]) if spread else 0.0)
                high.append(_plotted(metric, spread[1] - value) if spread else 0.0)
                note = f"{bench.count(metric.key)} rep(s)"
                cv = bench.cv(metric.key)
                if cv is not None:
                    note += f", cv {cv * 100:.1f}%"
                unstable = metric.key in metrics.TIMES and bench.unstable
                text.append([units.fmt_value(metric.kind, value), note + (", unstable" if unstable else "")])
                patterns.append(UNSTABLE_PATTERN if unstable else "")
        if not xs:
            continue
        # The legend draws a trace's first bar: lead with a stable one so the swatch is not hatched.
        first = next((i for i, shape in enumerate(patterns) if not shape), 0)
        xs, ys, low, high, text, patterns = (
            column[first : first + 1] + column[:first] + column[first + 1 :]
            for column in (xs, ys, low, high, text, patterns)
        )
        traces.append(
            go.Bar(
                name=series,
                legendgroup=series,
                x=xs,
                y=ys,
                customdata=text,
                error_y=dict(type="data", array=high, arrayminus=low, visible=any(high), thickness=1, width=2),
                marker=dict(color=shades[series], pattern=dict(shape=patterns, fillmode="overlay", size=6)),
                hovertemplate="<b>%{fullData.name}</b><br>%{x}<br>"
                + metric.title
                + ": %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                visible=visible,
            )
        )
    return traces


def workload_figure(section: str, workload: str, benches: list, colors: dict):
    """The figure of one workload, or None when no benchmark of it has a value to draw; `colors` maps each
    implementation to its colour, its variants drawn in shades of it as in the PNG charts."""
    shades = series_shades(benches, colors)
    headline = metrics.headline_time(benches)
    present = []
    for metric in dict.fromkeys((headline,) + FIGURE_METRICS):
        traces = _metric_traces(metric, benches, shades, visible=not present)
        if traces:
            present.append((metric, traces))
    if not present:
        return None
    counts = [len(traces) for _, traces in present]
    menus, axis_types = [], []
    for metric, traces in present:
        axis_types.append(_axis_type([y for t in traces for y in t.y]))
    if len(present) > 1:
        buttons = []
        for n, (metric, _) in enumerate(present):
            visible = [i == n for i, count in enumerate(counts) for _ in range(count)]
            buttons.append(
                dict(
                    label=metric.title,
                    method="update",
                    args=[{"visible": visible}, {**_axis(metric), "yaxis.type": axis_types[n]}],
                )
            )
        menus.append(dict(type="dropdown", buttons=buttons, active=0, x=0, xanchor="left", y=1.02, yanchor="bottom"))
    menus.append(_scale_buttons(axis_types[0]))
    # The page's heading names the workload; the title only says how to read the chart.
    title = ("pick a metric; " if len(present) > 1 else "") + HOW_TO_READ
    layout = _layout(title, present[0][0], axis_types[0], menus)
    layout.xaxis.categoryorder = "array"  # cases in their natural order, whatever order the bars come in
    layout.xaxis.categoryarray = [_case_text(params) for params in cases(benches)]
    return go.Figure(data=[t for _, traces in present for t in traces], layout=layout)


def comparison_figure(report, section: str, workload: str, items: list, colors: dict):
    """The headline time (per item where declared) of each compared benchmark in each file: per case a pair (or
    more) of bars per implementation, the baseline plain and later files patterned, the change against the
    baseline in the hover text. One legend entry per implementation toggles all its files. None when nothing
    has a time."""
    time = metrics.headline_time([b for item in items for _, b in item.versions])
    key = time.key
    files = sorted({i for item in items for i, _ in item.versions})
    by_series = {}
    for item in sorted(items, key=lambda item: (item.impl, item.series, sort_key_params(item.case))):
        by_series.setdefault((item.impl, item.series), []).append(item)
    traces, values = [], []
    for (impl, series), its in by_series.items():
        shown = False
        for slot, index in enumerate(files):
            xs, ys, text = [], [], []
            for item in its:
                bench = dict(item.versions).get(index)
                value = None if bench is None or bench.failed else bench.value(key)
                if value is None:
                    continue
                # The verdict is on time per operation, as the gate's; per item is the same ratio.
                change = item.change(metrics.TIME.key, index) if slot else None
                if change is None:
                    note = "baseline" if slot == 0 else "no change computed"
                else:
                    verdict = "beyond noise" if change.beyond_noise else "within noise"
                    note = (
                        f"{units.fmt_pct(change.ratio)} vs baseline, {verdict} (limit ±{change.threshold * 100:.1f}%)"
                    )
                xs.append(_case_text(item.case))
                ys.append(_plotted(time, value))
                text.append([units.fmt_time(value), note])
                values.append(value)
            if not xs:
                continue
            label = report.files[index].label + (" (baseline)" if slot == 0 else "")
            traces.append(
                go.Bar(
                    name=series,
                    legendgroup=series,
                    showlegend=not shown,
                    x=xs,
                    y=ys,
                    customdata=text,
                    marker=dict(
                        color=colors[impl],
                        pattern=dict(shape=_FILE_PATTERNS[slot % len(_FILE_PATTERNS)], fillmode="overlay", size=7),
                        line=dict(color="#333333", width=0.5),
                    ),
                    hovertemplate="<b>%{fullData.name}</b><br>%{x}<br>"
                    + label
                    + "<br>time: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                )
            )
            shown = True
    if not traces:
        return None
    axis_type = _axis_type(values)
    title = f"{time.title}: baseline plain, later files patterned; hover for the change"
    return go.Figure(data=traces, layout=_layout(title, time, axis_type, [_scale_buttons(axis_type)]))
