"""Comparing results files: % change, the noise limit, highlighting, and what the report shows."""
import pytest

from reports import compare
from reports.load import load_all
from reports.model import Report
from reports_testlib import changed_copy, fixture


def changes(paths, metric="time_ns"):
    report = Report(load_all(paths))
    return {c.run_name: c.change(metric) for c in compare.compare_report(report)}


def test_change_beyond_noise_is_flagged_and_small_change_is_not(new_run):
    found = changes([fixture("quick_reps.json"), new_run])
    assert len(found) == 9
    for name, change in found.items():
        if "/eager_vector/" in name:
            assert change.ratio == pytest.approx(0.30, abs=0.005)
            assert change.beyond_noise and change.worse and change.noise_known
        else:
            assert abs(change.ratio) < 0.01 and not change.beyond_noise


def test_noisy_benchmark_needs_a_bigger_change(tmp_path):
    new = changed_copy(fixture("quick_reps.json"), tmp_path / "new.json", {"coro_generator": 1.15}, "noisy")
    found = changes([fixture("quick_reps.json"), new])
    noisy = found["generators/sum_plus_one/coro_generator/n:1000/pages:cold"]  # cv ≈ 12%: unstable
    steady = found["generators/sum_plus_one/coro_generator/n:2000000/pages:cold"]
    assert noisy.ratio == pytest.approx(0.15, abs=0.005) and not noisy.beyond_noise
    assert noisy.threshold > 0.15
    assert steady.ratio == pytest.approx(0.15, abs=0.005) and steady.beyond_noise


def test_overlapping_repetitions_are_not_beyond_noise(tmp_path):
    base = Report(load_all([fixture("quick_reps.json")])).current[0]
    import copy

    new = copy.deepcopy(base)
    low, high = min(base.samples["time_ns"]), max(base.samples["time_ns"])
    new.samples["time_ns"] = [high * 1.5, high * 1.6, low]  # median much higher, ranges overlap
    new.noise = None
    change = compare.compare_metric(base, new, "time_ns")
    assert change.ratio > 0.4 and not change.beyond_noise


def test_without_repetitions_nothing_is_beyond_noise(tmp_path):
    # The gate's own verdict: one value a side says nothing about the noise, so no change is called.
    big = changed_copy(fixture("single_run.json"), tmp_path / "big.json", {"boost_fiber": 0.5}, "big")
    name = "coroutines/pingpong/boost_fiber/alive:1"
    big_change = changes([fixture("single_run.json"), big])[name]
    assert big_change.ratio == pytest.approx(-0.5) and not big_change.noise_known
    assert not big_change.beyond_noise and "too few repetitions" in big_change.reason


def test_memory_changes_and_zero_baselines(tmp_path):
    found = changes([fixture("quick_reps.json"), fixture("quick_reps.json")], "heap_peak_bytes")
    zero = found["generators/sum_plus_one/ranges_view/n:1000/pages:cold"]
    assert zero.base == 0 and zero.ratio == 0 and not zero.beyond_noise


def test_files_without_common_benchmarks_are_shown_not_compared(tmp_path):
    report = Report(load_all([fixture("quick_reps.json"), fixture("errored.json")]))
    assert compare.compare_report(report) == []
    assert {"generators", "parallelism", "io"} <= set(report.sections())


def test_report_highlights_changes(compare_report):
    pngs = sorted(p.name for p in compare_report.glob("compare-*.png"))
    assert pngs == ["compare-generators-sum_plus_one-bars.png", "compare-generators-sum_plus_one-change.png"]
    html = (compare_report / "index.html").read_text(encoding="utf-8")
    assert html.count('class="beyond-worse"') == 3  # the three eager_vector cases
    assert 'class="beyond-better"' not in html
    assert "20261123-010000-quick" in html  # both runs in the context table
    md = (compare_report / "summary.md").read_text(encoding="utf-8")
    assert "3 changed in time beyond their noise" in md
    assert md.count("**🔺 +30.0%**") == 3


def test_change_chart_marks_beyond_noise_bars(new_run):
    from reports import colors, compare_charts

    report = Report(load_all([fixture("quick_reps.json"), new_run]))
    compared = compare.compare_report(report)
    palette = colors.assign(report.implementations())
    chart = [c for c in compare_charts.comparison_charts(report, compared, palette) if c.kind == "compare-change"][0]
    bars = [a for a in chart.figure.findobj() if (a.get_gid() or "").startswith("impl:")]
    strong = {a.get_gid()[5:] for a in bars if a.get_alpha() == 1.0}
    faint = {a.get_gid()[5:] for a in bars if a.get_alpha() < 1.0}
    assert strong == {"eager_vector"} and faint == {"coro_generator", "ranges_view"}
