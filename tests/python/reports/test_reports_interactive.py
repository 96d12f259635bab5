"""The interactive layer of index.html without a browser: plotly.js copied once beside the page (never
inlined, never from a network), the plotly figures carry the model's values, the table of every result holds
every benchmark with sortable numbers, and without Debian's files the page keeps its static parts."""
import json
import re

import pytest

import reports
from ybresults import items
from reports import assets, interactive, metrics, plotly_figures, results_table
from reports.charts import series_shades
from reports.compare import compare_report
from reports.load import load_all
from reports.model import Report, case_label
from reports_testlib import fixture

PLOTLY_BANNER = "* plotly.js v"


def figures_of(page: str) -> list:
    return [
        json.loads(spec.replace("<\\/", "</"))
        for spec in re.findall(r'<script type="application/json" id="yb-figure-\d+">(.*?)</script>', page, re.S)
    ]


def test_plotly_js_copied_once_never_inlined(compare_report):
    page = (compare_report / "index.html").read_text(encoding="utf-8")
    source, _ = assets.FILES["plotly.js"]
    assert (compare_report / "assets" / "plotly.js").read_bytes() == source.read_bytes()
    assert PLOTLY_BANNER in source.read_text(encoding="utf-8")[:200]
    assert PLOTLY_BANNER not in page
    assert page.count('src="assets/plotly.js"') == 1
    assert len(figures_of(page)) == page.count('class="yb-chart"') >= 2
    for name in assets.FILES:
        assert (compare_report / "assets" / name).is_file(), name


def test_workload_figure_holds_the_model_values():
    report = Report(load_all([str(fixture("quick_reps.json"))]))
    benches = report.sections()["generators"]["sum_plus_one"]
    palette = reports.colors.distinct(b.impl for b in benches)
    shades = series_shades(benches, palette)
    figure = plotly_figures.workload_figure("generators", "sum_plus_one", benches, palette)
    time_traces = [t for t in figure.data if t.visible]
    assert sorted(t.name for t in time_traces) == sorted({b.series for b in benches})
    assert len({t.marker.color for t in time_traces}) == len(time_traces)
    for bench in benches:
        trace = next(t for t in time_traces if t.name == bench.series)
        at = list(trace.x).index(case_label(bench.case).replace(", ", "<br>"))
        # The headline is time per item, as in the PNG charts and the tables.
        assert trace.y[at] == pytest.approx(bench.value(items.TIME_PER_ITEM) * 1e-9)
        assert trace.marker.pattern.shape[at] == ("/" if bench.unstable else "")
        assert trace.marker.color == shades[bench.series]
    assert any(b.unstable for b in benches)
    assert figure.layout.yaxis.type == "linear"  # per item, n=1000 and n=2000000 are within two decades
    menu = figure.layout.updatemenus[0]
    labels = [b.label for b in menu.buttons]
    assert labels[:2] == [metrics.headline_time(benches).title, metrics.TIME.title] != [metrics.TIME.title] * 2
    for button in menu.buttons:
        shown = [t for t, v in zip(figure.data, button.args[0]["visible"]) if v]
        assert len(shown) == len({b.series for b in benches})
    scale = figure.layout.updatemenus[-1]
    assert [b.args[0]["yaxis.type"] for b in scale.buttons] == ["log", "linear"]


def test_comparison_figure_and_table_show_the_change(new_run):
    report = Report(load_all([str(fixture("quick_reps.json")), str(new_run)]))
    compared = compare_report(report)
    palette = reports.colors.assign(report.implementations())
    items = [c for c in compared if c.workload == "sum_plus_one"]
    figure = plotly_figures.comparison_figure(report, "generators", "sum_plus_one", items, palette)
    slower = [t for t in figure.data if t.name == "eager_vector" and not t.showlegend]
    assert slower and all(text[1].startswith("+30.0% vs baseline") for t in slower for text in t.customdata)
    columns, rows = results_table.rows(report, compared)
    headers = [c.header for c in columns]
    assert len(rows) == len(report.current)
    change = headers.index("change")
    eager = [row for row in rows if row[headers.index("implementation")][0] == "eager_vector"]
    assert eager and all(row[change][0] == "+30.0%" and row[change][1] == pytest.approx(0.3) for row in eager)
    verdict = columns[headers.index("verdict")]
    assert all(row[headers.index("verdict")][0] == "slower, beyond noise" for row in eager)
    assert verdict.css("slower, beyond noise") == "verdict-worse" and verdict.css("within noise") == ""


def test_table_numbers_sort_by_value(quick_report):
    page = (quick_report / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table id="yb-results".*?</table>', page, re.S).group(0)
    report = Report(load_all([str(fixture("quick_reps.json"))]))
    assert table.count("<tr>") == len(report.current) + 1
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    at = headers.index("time/op")
    assert at > 0
    orders = sorted(float(re.findall(r"<td[^>]*>", row)[at].split('data-order="')[1].split('"')[0]) for row in rows)
    assert orders == pytest.approx(sorted(b.value(metrics.TIME.key) for b in report.current))


def test_without_debian_files_the_page_keeps_its_static_parts(tmp_path, monkeypatch):
    monkeypatch.setitem(assets.FILES, "plotly.js", (tmp_path / "absent.js", "python3-plotly"))
    out = tmp_path / "report"
    assert reports.main([str(fixture("quick_reps.json")), "--out", str(out), "--quiet"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "missing python3-plotly" in page
    assert "<script" not in page and not (out / "assets").exists()
    assert 'id="yb-results"' in page and list(out.glob("*.png"))
    extras = interactive.build(Report(load_all([str(fixture("quick_reps.json"))])), [], out)
    assert extras.missing == "python3-plotly" and extras.charts == {}
