"""Chart content: one colour per implementation everywhere, units on value axes, log scales where values
span decades, absent values named rather than drawn as zero."""
import io

import pytest
from matplotlib.colors import to_rgb

from reports import charts, colors, compare, compare_charts
from reports.load import load_all
from reports.model import Report
from reports_testlib import fixture

UNIT_WORDS = (
    "(ns)",
    "(µs)",
    "(ms)",
    "(s)",
    "(B)",
    "(KiB)",
    "(MiB)",
    "(GiB)",
    "(log scale)",
    "per operation",
    "(%",
    "(items",
    "(coroutines",
)


def drawn(paths):
    report = Report(load_all(paths))
    palette = colors.assign(report.implementations())
    compared = compare.compare_report(report) if report.comparing else []
    found = list(compare_charts.comparison_charts(report, compared, palette)) + list(charts.run_charts(report, palette))
    for chart in found:  # lay out and render, so tick labels exist
        chart.figure.savefig(io.BytesIO(), format="png", dpi=40)
    return report, palette, found


@pytest.fixture(scope="module")
def everything(new_run):
    return drawn([fixture("quick_reps.json"), new_run, fixture("single_run.json"), fixture("errored.json")])


def impl_artists(figure):
    return [a for a in figure.findobj() if (a.get_gid() or "").startswith("impl:")]


def artist_rgb(artist):
    color = (
        artist.get_color()
        if hasattr(artist, "get_linestyle") and not hasattr(artist, "get_width")
        else artist.get_facecolor()
    )
    return to_rgb(color)


SECTIONS = {  # the implementations of each section of a whole quick run
    "generators": "callback coroutine_generator eager_vector fiber_generator iterator py_generator py_genexpr "
    "py_line_generator py_list py_listcomp py_readlines ranges_view",
    "coroutines": "boost_fiber cxx20_coroutine py_asyncio py_generator py_generator_scheduler py_thread_handoff "
    "state_machine thread_handoff ucontext",
    "parallelism": "atomic condvar eventfd fork futex mutex pipe posix_spawn process_pool pthread_small_stack "
    "py_process_pool py_serial py_thread_pool std_thread thread_pool vfork",
    "io": "blocking blocking_threads coroutine_epoll epoll fiber_epoll io_uring pread py_asyncio py_blocking_threads "
    "thread_pool",
}
SECTIONS = {section: names.split() for section, names in SECTIONS.items()}


def test_palette_depends_only_on_names():
    assert colors.assign(["b", "a", "c"]) == colors.assign(["c", "b", "a", "a"])
    assert colors.assign(["a", "zz"])["a"] == colors.assign(["a", "b", "c"])["a"]
    many = colors.distinct([f"impl{i:02d}" for i in range(45)])
    assert len(set(many.values())) == 45, "45 implementations in one chart get 45 different colours"
    assert len(colors.distinct([f"impl{i:03d}" for i in range(300)])) == 300  # past the palette's rounds: ends
    assert colors.distinct(["impl00", "impl01"]) == colors.distinct(["impl01", "impl00"])


def test_known_implementations_keep_their_colour_and_differ_within_a_section():
    for pair in (["cxx20_coroutine", "state_machine"], ["coroutine_generator", "ranges_view"]):
        clash = colors.distinct(pair)
        assert len(set(clash.values())) == 2
        for name, colour in clash.items():
            assert colour == colors.assign([name])[name], name
    for section, names in SECTIONS.items():
        assert len({colors.assign([n])[n] for n in names}) == len(names), section
    newcomers = [f"newcomer{i}" for i in range(20)]
    crowd = colors.distinct(["epoll", "fork", "ucontext"] + newcomers)
    assert all(crowd[name] == colors.PALETTE[colors.CURATED[name]] for name in ("epoll", "fork", "ucontext"))
    assert len(set(crowd.values())) == 23


def test_markers_and_shades_tell_series_apart_without_colour():
    markers = {colors.marker(colors.PALETTE[i]) for i in range(len(colors.MARKERS))}
    assert len(markers) == len(colors.MARKERS)
    base = colors.PALETTE[4]
    shades = [colors.variant_colour(base, i) for i in range(len(colors.VARIANT_SHADES))]
    assert shades[0] == base and len(set(shades)) == len(shades)


def test_each_implementation_has_one_colour_in_every_chart(everything):
    _, palette, found = everything
    seen = {}
    for chart in found:
        artists = impl_artists(chart.figure)
        assert artists or chart.kind == "ctx", chart.filename
        for artist in artists:
            impl = artist.get_gid()[5:].split("/")[0]
            shades = [to_rgb(colors.variant_colour(palette[impl], i)) for i in range(len(colors.VARIANT_SHADES))]
            assert any(artist_rgb(artist) == pytest.approx(s) for s in shades), (chart.filename, impl)
            seen.setdefault(impl, set()).add(chart.filename)
        for impl, colour in chart.colors.items():
            assert colour == palette[impl]
    # time, memory, scaling, side-by-side, change (no ctx chart: no generator waits, see reports/omitted.py)
    assert len(seen["eager_vector"]) >= 5
    assert {"boost_fiber", "py_generator", "fork", "epoll"} <= set(seen)


def test_value_axes_name_their_units(everything):
    _, _, found = everything
    for chart in found:
        for ax in chart.figure.axes:
            if not ax.get_visible() or not ax.axison:
                continue
            labels = [ax.get_xlabel()] + ([ax.get_ylabel()] if chart.kind in ("latency", "scaling") else [])
            for label in labels:
                assert label, f"{chart.filename}: unlabeled axis"
            if chart.kind in ("time", "memory", "compare-bars"):
                assert any(w in ax.get_xlabel() for w in UNIT_WORDS), (chart.filename, ax.get_xlabel())
            if chart.kind == "scaling":
                assert any(w in ax.get_ylabel() for w in UNIT_WORDS), (chart.filename, ax.get_ylabel())
            for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
                if scale != "linear" and axis is not (ax.xaxis if chart.kind == "scaling" else None):
                    ticks = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
                    assert ticks and all(any(u in t for u in ("s", "B")) or t == "0" for t in ticks), (
                        chart.filename,
                        ticks,
                    )


def test_scaling_is_log_where_it_spans_decades_and_time_is_per_item(everything):
    _, _, found = everything
    chart = next(c for c in found if c.filename == "generators-sum_plus_one-scaling-n.png")
    time_ax, heap_ax, rss_ax = [ax for ax in chart.figure.axes if ax.axison]
    # Time per item stays within two decades from n=1000 to 2,000,000: a linear y; the heap peak spans more.
    assert time_ax.get_xscale() == "log" and time_ax.get_yscale() == "linear"
    assert time_ax.get_title().startswith("wall time per item")
    assert heap_ax.get_yscale() == "symlog"  # ranges_view's heap peak is a measured 0 B
    assert "n (items, log scale)" == time_ax.get_xlabel()


def test_bars_are_linear_when_values_are_close_and_sorted(everything):
    _, _, found = everything
    chart = next(c for c in found if c.filename == "generators-sum_plus_one-time.png")
    ax = chart.figure.axes[0]
    assert ax.get_xscale() == "linear" and ax.get_title() == "n=1000, pages=cold"
    names = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert names == ["ranges_view", "coro_generator", "eager_vector"]  # fastest first
    assert "(unstable)" in ax.get_yticklabels()[1].get_text()


def test_latency_is_log_y_and_absent_values_are_named(everything):
    _, _, found = everything
    latency = next(c for c in found if c.filename == "coroutines-pingpong-latency.png")
    assert all(ax.get_yscale() == "log" for ax in latency.figure.axes if ax.axison)
    assert "state_machine" in latency.caption and "clock read" in latency.caption
    memory = next(c for c in found if c.filename == "coroutines-pingpong-memory.png")
    texts = [t.get_text() for ax in memory.figure.axes for t in ax.texts]
    assert "not measured" in texts  # py_generator's RSS, not a zero-length bar
    failed = next(c for c in found if c.filename == "parallelism-spawn_join-time.png")
    assert "failed (see table)" in [t.get_text() for ax in failed.figure.axes for t in ax.texts]


def test_context_switches_are_stacked(everything):
    _, palette, found = everything
    chart = next(c for c in found if c.filename == "parallelism-spawn_join-ctx.png")
    bars = [a for a in impl_artists(chart.figure) if a.get_gid() == "impl:fork"]
    assert len(bars) == 2
    voluntary, involuntary = sorted(bars, key=lambda p: p.get_x())
    assert voluntary.get_width() == pytest.approx(4.1) and involuntary.get_x() == pytest.approx(4.1)
    assert involuntary.get_width() == pytest.approx(0.4) and involuntary.get_hatch()


def test_parameters_only_some_implementations_have_are_variants(tmp_path):
    """eager_vector/n:N/pages:cold|warm beside callback/n:N (what the generators run writes): one panel per n,
    eager_vector's pages as separate rows and lines, in shades of its colour."""
    entries = []
    for n in (1000, 100000):
        for name, t in (
            (f"callback/n:{n}", 1.0),
            (f"eager_vector/n:{n}/pages:cold", 3.0),
            (f"eager_vector/n:{n}/pages:warm", 2.0),
        ):
            full = f"generators/sum_plus_one/{name}"
            entries.append(
                f'{{"name": "{full}/real_time", "run_name": "{full}/real_time", "run_type": "iteration", '
                f'"real_time": {t * n}, "cpu_time": {t * n}, "time_unit": "ns", '
                f'"heap_peak_bytes": {8 * n if "eager" in name else 0}}}'
            )
    path = tmp_path / "variants.json"
    path.write_text('{"benchmarks": [' + ",".join(entries) + "]}")
    report, palette, found = drawn([path])
    benches = report.sections()["generators"]["sum_plus_one"]
    assert {b.case for b in benches} == {(("n", "1000"),), (("n", "100000"),)}
    assert {b.series for b in benches} == {"callback", "eager_vector (pages=cold)", "eager_vector (pages=warm)"}
    time_chart = next(c for c in found if c.kind == "time")
    assert len([ax for ax in time_chart.figure.axes if ax.axison]) == 2
    rows = [t.get_text() for t in time_chart.figure.axes[0].get_yticklabels()]
    assert rows == ["callback", "eager_vector (pages=warm)", "eager_vector (pages=cold)"]
    scaling = next(c for c in found if c.kind == "scaling")
    time_panel = scaling.figure.axes[0]
    lines = [a for a in time_panel.get_lines() if (a.get_gid() or "").startswith("impl:eager_vector/")]
    assert {line.get_linestyle() for line in lines} == {"-", "--"}
    cold, warm = sorted(lines, key=lambda line: line.get_gid())
    assert to_rgb(cold.get_color()) == pytest.approx(to_rgb(palette["eager_vector"]))
    assert to_rgb(warm.get_color()) == pytest.approx(to_rgb(colors.variant_colour(palette["eager_vector"], 1)))
    assert cold.get_marker() == warm.get_marker() == colors.marker(palette["eager_vector"])
