"""How every chart of a realistic report looks: distinct colours within a chart, the same colour for an
implementation in any report, nothing cut off at the figure's edges, and crowded io workloads in small
multiples. The realistic report is a whole quick run (431 benchmarks, trimmed to what reports read)."""
import gzip
import json
from dataclasses import dataclass

import pytest
from matplotlib.colors import to_hex

from reports import charts, colors, figures
from reports.load import load_all
from reports.model import Report
from reports_testlib import fixture

EDGE_PX = 1.0  # rounding of the renderer's boxes


@pytest.fixture(scope="module")
def whole_quick(tmp_path_factory):
    path = tmp_path_factory.mktemp("whole") / "results.json"
    path.write_bytes(gzip.decompress(fixture("quick_whole.json.gz").read_bytes()))
    return path


@dataclass
class Looked:
    filename: str
    kind: str
    series_colors: dict  # series -> {colours drawn for it}
    impl_colors: dict  # implementation -> {colours drawn for it or its variants}
    cut_off: list  # "what: box" for every artist reaching past the figure's edge
    panel_titles: list
    legend_labels: list
    recorded: dict  # implementation -> colour, as the chart records it for the page
    caption: str


def look_at(chart) -> Looked:
    """Draw the chart as the report does and measure it; the figure is dropped afterwards (memory)."""
    figure = chart.figure
    canvas = figures.render(figure)
    renderer = canvas.get_renderer()
    edge = figure.bbox
    cut_off = []

    def check(what, artist):
        box = artist.get_tightbbox(renderer) if hasattr(artist, "get_tightbbox") else None
        if box is None or box.width == 0:
            return
        if (
            box.x0 < edge.x0 - EDGE_PX
            or box.y0 < edge.y0 - EDGE_PX
            or box.x1 > edge.x1 + EDGE_PX
            or box.y1 > edge.y1 + EDGE_PX
        ):
            cut_off.append(f"{what}: {box.bounds} outside {edge.bounds}")

    if figure._suptitle is not None:
        check("figure title", figure._suptitle)
    legend_labels = []
    for index, ax in enumerate(figure.axes):
        check(f"panel {index} ({ax.get_title()!r})", ax)
        for part, artist in (("title", ax.title), ("x label", ax.xaxis.label), ("y label", ax.yaxis.label)):
            if artist.get_text():
                check(f"panel {index} {part}", artist)
        if ax.axison:  # the axes' boxes hold only the tick labels drawn, inside the view limits
            check(f"panel {index} x axis", ax.xaxis)
            check(f"panel {index} y axis", ax.yaxis)
        for text in ax.texts:
            check(f"panel {index} text {text.get_text()!r}", text)
        legend = ax.get_legend()
        if legend is not None:
            check(f"legend of panel {index}", legend)
            legend_labels += [t.get_text() for t in legend.get_texts()]
    series_colors, impl_colors = {}, {}
    for artist in figure.findobj():
        gid = artist.get_gid() or ""
        if not gid.startswith("impl:"):
            continue
        impl, _, series = gid[5:].partition("/")
        colour = artist.get_color() if hasattr(artist, "get_linestyle") and not hasattr(artist, "get_width") else None
        colour = to_hex(colour if colour is not None else artist.get_facecolor())
        series_colors.setdefault(series or impl, set()).add(colour)
        impl_colors.setdefault(impl, set()).add(colour)
    titles = [ax.get_title() for ax in figure.axes if ax.axison]
    chart.figure = None
    return Looked(
        chart.filename,
        chart.kind,
        series_colors,
        impl_colors,
        cut_off,
        titles,
        legend_labels,
        chart.colors,
        chart.caption,
    )


@pytest.fixture(scope="module")
def looked(whole_quick):
    report = Report(load_all([whole_quick]))
    return [look_at(chart) for chart in charts.run_charts(report)]


def test_the_realistic_report_draws_its_charts(looked):
    names = {chart.filename for chart in looked}
    assert len(looked) >= 60
    assert {"io-echo_tcp-latency.png", "coroutines-switch_round_trip-scaling-n.png"} <= names


def test_no_two_series_share_a_colour_within_a_chart(looked):
    for chart in looked:
        owners = {}
        for series, found in chart.series_colors.items():
            assert len(found) == 1, (chart.filename, series, found)
            owners.setdefault(next(iter(found)), []).append(series)
        shared = {colour: names for colour, names in owners.items() if len(names) > 1}
        assert not shared, (chart.filename, shared)


def test_an_implementation_keeps_its_colour_across_charts(looked):
    base = {}
    for chart in looked:
        for impl, found in chart.impl_colors.items():
            own = chart.recorded[impl]
            shades = {colors.variant_colour(own, i) for i in range(len(colors.VARIANT_SHADES))}
            assert found <= shades, (chart.filename, impl, found, own)
            base.setdefault(impl, set()).add(own)
    changed = {impl: found for impl, found in base.items() if len(found) > 1}
    assert not changed
    assert base["epoll"] == {colors.PALETTE[colors.CURATED["epoll"]]}
    assert base["cxx20_coroutine"] != base["state_machine"]
    assert base["coroutine_generator"] != base["ranges_view"]


def test_nothing_is_cut_off(looked):
    cut = [(chart.filename, chart.cut_off[:3]) for chart in looked if chart.cut_off]
    assert not cut


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
def test_the_clipping_check_sees_a_legend_that_does_not_fit():
    """The measurement itself: a legend wider than its figure is reported."""
    from matplotlib.lines import Line2D

    from reports.figures import Chart, make_grid, put_legend

    fig, axes, legend_ax = make_grid(1, 1, 3.0, 2.0, 1)
    axes[0].plot([1, 2], [1, 2])
    handles = [Line2D([], [], label=f"a rather long implementation name number {i}") for i in range(6)]
    put_legend(legend_ax, handles, 6)
    looked = look_at(Chart("x.png", "x", "s", "w", "latency", "", fig))
    assert any("legend" in what for what in looked.cut_off)


def test_crowded_io_workload_is_faceted_by_its_variant(looked):
    latency = next(c for c in looked if c.filename == "io-echo_tcp-latency.png")
    open_loop = [t for t in latency.panel_titles if t.endswith("load=open")]
    closed_loop = [t for t in latency.panel_titles if t.endswith("load=default")]
    assert "conns=1, msg=64, load=open" in open_loop and "conns=1, msg=64, load=default" in closed_loop
    assert len(open_loop) == 2 and len(latency.panel_titles) == len(open_loop) + len(closed_loop)
    # the panel parameter is no longer part of the line names: one legend entry per series left
    assert not [label for label in latency.legend_labels if "load=" in label]
    assert "io_uring (submit=batch)" in latency.legend_labels
    assert len(latency.legend_labels) <= 12
    scaling = next(c for c in looked if c.filename == "io-echo_tcp-scaling-conns.png")
    assert any("load=open" in t for t in scaling.panel_titles)
    uncrowded = next(c for c in looked if c.filename == "io-echo_unix-latency.png")
    assert not any("load=" in t for t in uncrowded.panel_titles)


def test_same_implementation_same_colour_in_reports_of_different_implementations(whole_quick, tmp_path):
    """Two reports loaded with different sets of implementations draw each shared one in the same colour."""
    doc = json.loads(whole_quick.read_text())
    coroutines = [e for e in doc["benchmarks"] if e["run_name"].startswith("coroutines/switch_round_trip/")]
    dropped = {"boost_fiber", "py_generator", "py_thread_handoff"}
    fewer = dict(doc, benchmarks=[e for e in coroutines if e["run_name"].split("/")[2] not in dropped])
    renamed = [dict(e, run_name=e["run_name"].replace("ucontext", "aaa_newcomer")) for e in coroutines]
    for entry in renamed:
        entry["name"] = entry["run_name"]
    paths = []
    for name, benchmarks in (("all", coroutines), ("fewer", fewer["benchmarks"]), ("renamed", renamed)):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(dict(doc, benchmarks=benchmarks)))
    drawn = []
    for path in paths:
        time_chart = next(c for c in charts.run_charts(Report(load_all([path]))) if c.kind == "time")
        drawn.append(time_chart.colors)
    everything, fewer_colors, renamed_colors = drawn
    assert set(fewer_colors) < set(everything)
    for impl, colour in fewer_colors.items():
        assert everything[impl] == colour, impl
    for impl in ("state_machine", "cxx20_coroutine", "thread_handoff"):
        assert renamed_colors[impl] == everything[impl], impl
    assert len(set(renamed_colors.values())) == len(renamed_colors)


def test_comparison_charts_fit_and_keep_colours_apart(new_run):
    from reports import compare, compare_charts

    report = Report(load_all([fixture("quick_reps.json"), new_run]))
    found = [look_at(chart) for chart in compare_charts.comparison_charts(report, compare.compare_report(report))]
    assert {chart.kind for chart in found} == {"compare-bars", "compare-change"}
    for chart in found:
        assert not chart.cut_off, (chart.filename, chart.cut_off[:3])
        for impl, colours in chart.impl_colors.items():
            assert colours == {chart.recorded[impl]}, (chart.filename, impl)
        assert len(set(chart.recorded.values())) == len(chart.recorded), chart.filename


def test_metrics_zero_everywhere_are_named_not_drawn(looked):
    scaling = next(c for c in looked if c.filename == "coroutines-switch_round_trip-scaling-n.png")
    assert scaling.panel_titles == ["wall time per item", "heap peak"]
    assert "0 for every implementation that ran: RSS peak growth." in scaling.caption
    names = {chart.filename for chart in looked}
    assert "io-file_read-memory.png" not in names and "io-echo_tcp-memory.png" in names


def test_memory_bars_at_the_largest_case_where_a_scaling_chart_holds_every_case(looked, whole_quick):
    """io echo_tcp's memory bars at its most connections per message size and load (and, for a server that
    stops short of them, at its own most); every case stays in the scaling chart."""
    memory = next(c for c in looked if c.filename == "io-echo_tcp-memory.png")
    echo = Report(load_all([whole_quick])).sections()["io"]["echo_tcp"]
    titles = set(memory.panel_titles)
    assert titles and len(titles) < len({b.case for b in echo})
    assert not [t for t in titles if t.startswith("conns=1,") and "load=open" not in t]
    assert {b.series for b in echo if not b.failed and b.has("heap_peak_bytes")} <= set(memory.series_colors)
    assert "Drawn at the largest conns" in memory.caption
    scaling = next(c for c in looked if c.filename == "io-echo_tcp-scaling-conns.png")
    assert scaling.panel_titles and "Drawn at the largest" not in scaling.caption
