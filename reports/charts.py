"""Charts of one set of results, per section and workload: time per item (or operation), memory, context switches,
latency percentiles and one scaling chart per numeric parameter sweep."""
from matplotlib import ticker
from matplotlib.patches import Patch

from ybresults import units

from . import colors as palette
from . import facets, metrics, omitted
from .bars import bar_extent, bars_for, draw_bars
from .figures import (
    MIN_WIDTH,
    Chart,
    chunked,
    legend_layout,
    make_grid,
    panel_height,
    part_suffix,
    put_legend,
    series_handles,
    series_styles,
    slug,
    tag,
)
from .model import case_label, cases, param_number, sort_key_params, sweeps
from .scales import apply_axis, plan_axis

MAX_PANELS = 12  # case panels per figure; more cases continue in a second figure
MAX_ROWS = 5  # rows of the memory and scaling grids per figure

TIME_CAPTION = (
    "Bars: median over repetitions; whiskers: min–max of the repetitions. "
    "Hatched and marked “unstable”: repetitions varied more than the noise limit. "
    "A log axis is used where values span two decades or more."
)


def time_charts(section: str, workload: str, benches: list, colors: dict):
    metric = metrics.headline_time(benches)  # per item, the item named, where the workload declares items
    shades = series_shades(benches, colors)
    groups = [
        (p, bs) for p, bs in cases(benches).items() if any(b.value(metric.key) is not None or b.failed for b in bs)
    ]
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        if not part:
            return
        rows = max(len(bs) for _, bs in part)
        fig, axes, _ = make_grid(len(part), 3 if len(part) > 4 else 2, 4.9, panel_height(rows))
        for ax, (params, bs) in zip(axes, part):
            bars = bars_for(bs, metric.key)
            values, _ = bar_extent(bars)
            draw_bars(ax, bars, plan_axis("time", metric.title, values), colors, case_label(params), shades)
        fig.suptitle(f"{section} / {workload}: {metric.title} (shorter is faster)")
        yield Chart(
            slug(section, workload, "time", part_suffix(index, len(parts))) + ".png",
            f"{workload}: {metric.title}",
            section,
            workload,
            "time",
            TIME_CAPTION,
            fig,
            {b.impl: colors[b.impl] for _, bs in part for b in bs},
        )


def all_zero(benches: list, metric) -> bool:
    """Measured, and 0 for every benchmark that ran: a panel of it would say nothing a sentence cannot."""
    values = [b.value(metric.key) for b in benches if not b.failed]
    measured = [v for v in values if v is not None]
    return bool(measured) and all(v == 0 for v in measured)


def zero_note(flat: list) -> str:
    if not flat:
        return ""
    return " Not drawn, 0 for every implementation that ran: " + ", ".join(m.title for m in flat) + "."


def largest_of_sweep(groups: list, key: str) -> list:
    """The (params, benches) groups at the largest value of `key` among groups alike in every other parameter
    (a group without `key` stays), and for a series none of those holds, the group of its own largest case."""

    def split(params):
        rest, value = tuple(p for p in params if p[0] != key), dict(params).get(key)
        return rest, (None if value is None else param_number(value))

    largest = {}
    for params, _ in groups:
        rest, value = split(params)
        if value is not None:
            largest[rest] = max(largest.get(rest, value), value)
    keep = {p for p, _ in groups if split(p)[1] is None or split(p)[1] == largest[split(p)[0]]}
    shown = {b.series for p, bs in groups if p in keep for b in bs}
    for params, benches in reversed(groups):  # natural order: a series' last group is its largest case
        if any(not b.failed and b.series not in shown for b in benches):
            keep.add(params)
            shown |= {b.series for b in benches}
    return [(p, bs) for p, bs in groups if p in keep]


def memory_charts(section: str, workload: str, benches: list, colors: dict):
    measured = [m for m in metrics.MEMORY if any(b.has(m.key) for b in benches)]
    flat = [m for m in measured if all_zero(benches, m)]
    present = [m for m in measured if m not in flat]
    if not present:
        return
    by_case = cases(benches)
    groups = [(p, bs) for p, bs in by_case.items() if any(b.has(m.key) for m in present for b in bs)]
    swept = sweeps([b for b in benches if not b.failed])
    # The scaling chart draws these metrics at every value of a sweep; bars add the largest (io: 3 cases of 12).
    groups = largest_of_sweep(groups, swept[0]) if swept and set(present) <= set(metrics.SCALING) else groups
    if not groups:
        return
    shades = series_shades(benches, colors)
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
                # the x label names the metric: a title of the case alone fits above the panel
                draw_bars(ax, bars, plan_axis("bytes", metric.title, values), colors, case_label(params), shades)
        fig.suptitle(f"{section} / {workload}: memory (smaller is better)")
        caption = (
            "Heap peak: most live heap bytes during the measured region; RSS peak growth: resident set "
            "growth; memory per unit: per coroutine, connection or worker. Median over repetitions, "
            "whiskers min–max. “not measured”: the counter was absent, never a zero."
        ) + zero_note(flat)
        if len(groups) < len(by_case):
            caption += f" Drawn at the largest {swept[0]}; every case: the scaling chart and the table."
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


def series_shades(benches: list, colors: dict) -> dict:
    """{series: colour}: variants of an implementation in shades of its colour (figures.series_styles)."""
    return {name: look.color for name, look in series_styles(benches, colors).items()}


def _draw_ctx(ax, benches: list, shades: dict, title: str):
    rows = []
    for bench in benches:
        vol = None if bench.failed else bench.value(metrics.CTX_VOLUNTARY.key)
        inv = None if bench.failed else bench.value(metrics.CTX_INVOLUNTARY.key)
        note = (
            f"{bench.status} (see table)" if bench.failed else ("not measured" if vol is None and inv is None else "")
        )
        rows.append((bench.series, vol, inv, note, bench.impl))
    measured = sorted((r for r in rows if not r[3]), key=lambda r: ((r[1] or 0) + (r[2] or 0), r[0]))
    shown = measured + [r for r in rows if r[3]]
    totals = [(r[1] or 0) + (r[2] or 0) for r in measured]
    top = max(totals, default=0)
    for y, (label, vol, inv, note, impl) in enumerate(shown):
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
        for patch in ax.barh(y, vol or 0, height=0.66, color=shades[label], linewidth=0):
            tag(patch, impl, label)
        for patch in ax.barh(
            y,
            inv or 0,
            left=vol or 0,
            height=0.66,
            color=shades[label],
            alpha=0.55,
            hatch="////",
            edgecolor="white",
            linewidth=0,
        ):
            tag(patch, impl, label)
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
    if omitted.ctx_chart(benches):
        return  # nothing to say; the workload's table says why
    keys = [m.key for m in metrics.CONTEXT_SWITCHES]
    groups = [(p, bs) for p, bs in cases(benches).items() if any(b.has(k) for k in keys for b in bs)]
    if not groups:
        return
    shades = series_shades(benches, colors)
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        rows = max(len(bs) for _, bs in part)
        fig, axes, legend_ax = make_grid(len(part), 3 if len(part) > 4 else 2, 4.9, panel_height(rows), 1)
        for ax, (params, bs) in zip(axes, part):
            _draw_ctx(ax, bs, shades, case_label(params))
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
    drawn = facets.faceted([b for b in benches if not b.failed and any(b.has(k) for k in keys)])
    groups = list(cases(drawn).items())
    if not groups:
        return
    styles = series_styles(drawn, colors)
    parts = chunked(groups, MAX_PANELS)
    for index, part in enumerate(parts):
        ncols = 3 if len(part) > 4 else min(2, len(part))
        ncol, lines, width = legend_layout(list(styles), max(4.6 * ncols, MIN_WIDTH))
        fig, axes, legend_ax = make_grid(len(part), ncols, 4.6, 2.9, lines, width)
        for ax, (params, bs) in zip(axes, part):
            present = [m for m in metrics.LATENCY if any(b.has(m.key) for b in bs)]
            values = [b.value(m.key) for b in bs for m in present]
            plan = plan_axis("time", "latency", values, force_log=True)
            apply_axis(ax, "y", plan)
            for bench in sorted(bs, key=lambda b: b.series):
                points = [(i, bench.value(m.key)) for i, m in enumerate(present) if bench.has(m.key)]
                look = styles[bench.series]
                (line,) = ax.plot(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    marker=look.marker,
                    markersize=4,
                    color=look.color,
                    linestyle=look.linestyle,
                    label=bench.series,
                )
                tag(line, bench.impl, bench.series)
            ax.set_xticks(range(len(present)), [m.title for m in present])
            ax.set_xlabel("percentile")
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
        caption = (
            "Latency from the harness histogram (≤1% relative error), log scale: of one operation, or of one "
            "item where the workload times its items (io echo: one request; the workload's description says)."
        )
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
    ok = facets.faceted([b for b in benches if not b.failed])
    time = metrics.headline_time(ok)  # per item where the workload declares items, as the time bars
    drawn = tuple(time if m is metrics.TIME else m for m in metrics.SCALING)
    for key in sweeps(ok):
        flat = [m for m in drawn if all_zero(ok, m)]
        present = [m for m in drawn if any(b.has(m.key) for b in ok) and m not in flat]
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
            ncol, lines, width = legend_layout(list(styles), max(4.4 * len(present), MIN_WIDTH))
            fig, axes, legend_ax = make_grid(len(part) * len(present), len(present), 4.4, 3.0, lines, width)
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
                "a flat line stays constant (per item: the same cost per item at every size); a line rising "
                "with slope 1 grows O(n)."
            ) + zero_note(flat)
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
        look = styles[name]
        (line,) = ax.plot(
            xs,
            ys,
            color=look.color,
            linestyle=look.linestyle,
            marker=look.marker,
            markersize=4,
            linewidth=1.4,
            label=name,
        )
        tag(line, points[0][1].impl, name)
        # min–max whiskers as one collection per line: errorbar() builds several artists per call, and
        # a report draws thousands of these
        whiskers = [(x, s) for x, s in zip(xs, (p[1].interval(metric.key) for p in points)) if s and s[1] > s[0]]
        if whiskers:
            ax.vlines(
                [x for x, _ in whiskers],
                [s[0] / yplan.div for _, s in whiskers],
                [s[1] / yplan.div for _, s in whiskers],
                color=look.color,
                linewidth=1.0,
            )
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


KINDS = ("time", "memory", "ctx", "latency", "scaling")  # reading order


def workload_charts(section: str, workload: str, benches: list, colors: dict, kinds=KINDS):
    """Every chart of one workload (of the given kinds), in reading order."""
    drawers = {
        "time": time_charts,
        "memory": memory_charts,
        "ctx": ctx_charts,
        "latency": latency_charts,
        "scaling": scaling_charts,
    }
    for kind in KINDS:
        if kind in kinds:
            yield from drawers[kind](section, workload, benches, colors)


def run_charts(report, colors: dict = None):
    """Every chart of the per-section part of a report, in reading order; in `colors`, else in colours
    distinct within each workload (what reports draw)."""
    for section, workloads in report.sections().items():
        for workload, benches in workloads.items():
            found = colors or palette.distinct(b.impl for b in benches)
            yield from workload_charts(section, workload, benches, found)
