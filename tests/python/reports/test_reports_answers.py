"""The report opens with its answers: headline tables (time per item, the item named; memory; context switches;
fastest and leanest marked) and the claims, before charts; run context, not-measured, skips and failures last.
Skipped and failed are told apart everywhere; charts with nothing to say are left out and the table says why."""
import json
import re

import pytest

import reports
import ybresults
from reports import headline
from reports.bars import bars_for
from reports.load import load_all
from reports.model import Report
from reports_testlib import generate
from ybcli import summary

NOUN_CONTEXT = {"yb_item:coroutines/switch_round_trip": "round trip"}


def entry(name, real_time_ns, items_per_operation=None, **counters):
    found = {
        "name": name,
        "run_name": name,
        "run_type": "iteration",
        "repetitions": 1,
        "repetition_index": 0,
        "iterations": 10,
        "real_time": real_time_ns,
        "cpu_time": real_time_ns,
        "time_unit": "ns",
        **counters,
    }
    if items_per_operation is not None:
        found["items_per_second"] = items_per_operation / (real_time_ns / 1e9)
    return found


def failed(name, message):
    return {**entry(name, 0.0), "iterations": 0, "error_occurred": True, "error_message": message}


def switch_document(context=NOUN_CONTEXT):
    """A round trip costs 12 ns in a fiber and 2 ns in a C++20 coroutine: 1.2 ms and 0.2 ms per operation of
    100,000 round trips. One implementation skipped, one failed."""
    base = "coroutines/switch_round_trip"
    return {
        "context": {"unavailable_metrics": "none", **context},
        "yieldbench": {"schema_version": 2, "run_id": "20261203-000000-smoke", "profile": "smoke"},
        "benchmarks": [
            entry(
                f"{base}/boost_fiber/n:100000",
                1.2e6,
                100000,
                heap_peak_bytes=4096,
                ctx_voluntary=0.0,
                ctx_involuntary=0.0,
            ),
            entry(
                f"{base}/cxx20_coroutine/n:100000",
                2e5,
                100000,
                heap_peak_bytes=88,
                ctx_voluntary=0.0,
                ctx_involuntary=0.0,
            ),
            failed(f"{base}/ucontext/n:100000", "skipped: ucontext needs 8 GiB here"),
            failed(f"{base}/thread_handoff/n:100000", "checksum mismatch: expected 1 got 2"),
        ],
    }


@pytest.fixture
def switch_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(switch_document()))
    return path


@pytest.fixture
def switch_report(tmp_path, switch_file):
    return generate(tmp_path / "report", switch_file)


def test_headline_comes_before_charts_and_context_in_index_html(quick_report):
    html = (quick_report / "index.html").read_text(encoding="utf-8")
    answers, figure = html.index('id="answers"'), html.index("<figure")
    context, unavailable = html.index('id="context"'), html.index('id="unavailable"')
    assert answers < figure < context < unavailable
    nav = html[html.index("<nav>") : html.index("</nav>")]
    assert nav.index('href="#answers"') < nav.index('href="#context"') < nav.index('href="#unavailable"')
    first_screen = html[: html.index('id="answers"') + 3000]
    assert "Run context" not in first_screen.split("</nav>")[1], "the run context is linked, not shown first"


def test_headline_comes_first_in_summary_md(quick_report):
    md = (quick_report / "summary.md").read_text(encoding="utf-8")
    order = [md.index(h) for h in ("### Answers", "### Details", "### Not measured", "### Run context")]
    assert order == sorted(order)
    assert "[Run context](#run-context)" in md.split("### Answers")[0]


def test_time_per_item_is_computed_and_named(switch_file, switch_report):
    (report_file,) = load_all([switch_file])
    report = Report([report_file])
    (table,) = headline.tables(report)
    assert table.time.title == "wall time per round trip" and table.per == "per round trip"
    rows = {row.bench.impl: row for case in table.cases for row in case.rows}
    assert rows["boost_fiber"].time == pytest.approx(12.0)
    assert rows["cxx20_coroutine"].time == pytest.approx(2.0)
    assert rows["boost_fiber"].time_per_op == pytest.approx(1.2e6)
    assert rows["boost_fiber"].times_fastest == pytest.approx(6.0)
    assert rows["cxx20_coroutine"].marks == ["fastest", "leanest"] and rows["boost_fiber"].marks == []
    md = (switch_report / "summary.md").read_text(encoding="utf-8")
    assert "| n=100000 | cxx20_coroutine | 2 ns | 1.00× | 200 µs | 88 B | 0 | fastest, leanest |" in md
    assert "| n=100000 | boost_fiber | 12 ns | 6.00× | 1.2 ms | 4 KiB | 0 |  |" in md
    html = (switch_report / "index.html").read_text(encoding="utf-8")
    assert "wall time per round trip" in html and ">12 ns<" in html
    time_chart = (switch_report / "coroutines-switch_round_trip-time.png").stat().st_size
    assert time_chart > 0


def test_time_chart_plots_time_per_item(switch_file):
    from reports import charts, colors

    report = Report(load_all([switch_file]))
    benches = report.sections()["coroutines"]["switch_round_trip"]
    (chart,) = charts.time_charts("coroutines", "switch_round_trip", benches, colors.assign(report.implementations()))
    assert "wall time per round trip" in chart.figure._suptitle.get_text()
    labels = [ax.get_xlabel() for ax in chart.figure.axes if ax.get_xlabel()]
    assert labels and all("round trip" in label for label in labels), labels


def test_terminal_summary_names_the_item(switch_file):
    text = summary.render(ybresults.load(switch_file))
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["implementation", "time/round", "trip"]
    fiber = next(line for line in lines if line.strip().startswith("boost_fiber"))
    assert fiber.split()[1:5] == ["12", "ns", "1.2", "ms"]
    assert any(line.split()[:2] == ["ucontext", "SKIPPED"] for line in lines)
    assert any(line.split()[:2] == ["thread_handoff", "FAILED"] for line in lines)


def test_files_without_the_noun_say_item(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(switch_document(context={})))
    (table,) = headline.tables(Report(load_all([path])))
    assert table.time.title == "wall time per item"
    assert ybresults.load(path).benchmarks["coroutines/switch_round_trip/boost_fiber/n:100000"].item == "item"


def test_skipped_and_failed_are_counted_and_shown_apart(switch_file, switch_report):
    md = (switch_report / "summary.md").read_text(encoding="utf-8")
    assert "4 benchmarks: 2 ran, 1 skipped, 1 failed" in md
    skipped_part = md[md.index("### Skipped") : md.index("### Failed")]
    failed_part = md[md.index("### Failed") : md.index("### Run context")]
    assert "ucontext needs 8 GiB" in skipped_part and "checksum mismatch" not in skipped_part
    assert "checksum mismatch" in failed_part and "ucontext" not in failed_part
    html = (switch_report / "index.html").read_text(encoding="utf-8")
    assert "4 benchmarks: 2 ran, 1 skipped, 1 failed" in html
    assert html.index('id="skipped"') < html.index('id="failed"')
    assert '<tr class="skipped">' in html and '<tr class="failed">' in html
    assert "SKIPPED: ucontext needs 8 GiB here" in html and "FAILED: checksum mismatch" in html
    report = Report(load_all([switch_file]))
    notes = {bar.label: bar.note for bar in bars_for(report.current, "ns_per_item")}
    assert notes["ucontext"] == "skipped (see table)" and notes["thread_handoff"] == "failed (see table)"


def test_all_zero_context_switch_chart_is_left_out_with_the_reason(switch_report):
    assert not list(switch_report.glob("*-ctx*.png"))
    html = (switch_report / "index.html").read_text(encoding="utf-8")
    assert "No context-switch chart: every implementation measured 0 per operation" in html
    md = (switch_report / "summary.md").read_text(encoding="utf-8")
    assert "no context-switch chart: every implementation measured 0 per operation" in md


def test_context_switch_chart_is_drawn_when_something_waits(tmp_path):
    document = switch_document()
    document["benchmarks"][0]["ctx_voluntary"] = 2.0
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    out = generate(tmp_path / "report", path)
    assert [p.name for p in out.glob("*-ctx*.png")] == ["coroutines-switch_round_trip-ctx.png"]
    assert "No context-switch chart" not in (out / "index.html").read_text(encoding="utf-8")


def test_comparison_shows_time_per_item(tmp_path, switch_file):
    document = switch_document()
    document["yieldbench"]["run_id"] = "20261203-000001-smoke"
    for bench in document["benchmarks"]:
        bench["real_time"] *= 2
        if "items_per_second" in bench:
            bench["items_per_second"] /= 2
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))
    out = generate(tmp_path / "compare", switch_file, newer)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "24 ns per round trip (2.4 ms per operation)" in html
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert re.search(r"`coroutines/switch_round_trip/boost_fiber/n:100000` \| 12 ns per round trip", md)


def test_report_of_a_file_is_still_exit_0_without_items(tmp_path):
    document = switch_document(context={})
    for bench in document["benchmarks"]:
        bench.pop("items_per_second", None)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    assert reports.main([str(path), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    (table,) = headline.tables(Report(load_all([path])))
    assert table.time.title == "wall time per operation"


def test_headline_answers_at_the_largest_case_and_details_keep_every_case(tmp_path):
    document = switch_document()
    document["benchmarks"].append(
        entry("coroutines/switch_round_trip/boost_fiber/n:1000", 3e4, 1000, heap_peak_bytes=4096)
    )
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    [table] = headline.tables(Report(load_all([str(path)])))
    assert [case.label for case in table.cases] == ["n=100000"]
    md = (generate(tmp_path / "report", path) / "summary.md").read_text(encoding="utf-8")
    answers, details = md.split("### Details")
    assert "n=1000 " not in answers and "n=1000" in details
