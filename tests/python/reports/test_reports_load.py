"""Reading results files: names, repetitions, aggregates, errors, units, absent counters."""
import math

import pytest

from reports_testlib import fixture
from reports.load import load_results
from reports.model import Report
from ybresults.names import parse_name


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "generators/sum_plus_one/eager_vector/n:2000000",
            ("generators", "sum_plus_one", "eager_vector", (("n", "2000000"),)),
        ),
        ("io/echo_tcp/epoll/conns:256/msg:64", ("io", "echo_tcp", "epoll", (("conns", "256"), ("msg", "64")))),
        (
            "parallelism/pingpong/pipe/placement:same_cpu",
            ("parallelism", "pingpong", "pipe", (("placement", "same_cpu"),)),
        ),
        # suffixes Google Benchmark adds itself are not parameters
        ("generators/sum/eager/n:1/1/repeats:3/real_time", ("generators", "sum", "eager", (("n", "1"),))),
        # threads:N is Google Benchmark's suffix for ->Threads(); no yieldbench parameter may take its name
        ("coroutines/switch/boost_fiber/threads:2", ("coroutines", "switch", "boost_fiber", ())),
    ],
)
def test_parse_name_splits_on_slashes(name, expected):
    parsed = parse_name(name)
    assert (parsed.family, parsed.workload, parsed.implementation, parsed.params) == expected


@pytest.mark.parametrize("name", ["BM_Sort/1024", "BM_Sort/4096/8", "a/b", "generators/sum/eager/free words", "", None])
def test_parse_name_rejects_other_names(name):
    assert parse_name(name) is None


def test_repetitions_give_median_spread_and_noise():
    results = load_results(fixture("quick_reps.json"))
    assert results.label == "20261122-031000-quick"
    assert len(results.benchmarks) == 9
    bench = next(
        b for b in results.benchmarks if b.run_name == "generators/sum_plus_one/eager_vector/n:2000000/pages:cold"
    )
    times = bench.samples["time_ns"]
    assert len(times) == 3  # the three repetitions, not the aggregates
    assert bench.value("time_ns") == sorted(times)[1]
    assert bench.interval("time_ns") == (min(times), max(times))
    assert set(bench.aggregates) == {"mean", "median", "stddev", "cv"}
    assert bench.count() == 3
    assert bench.cv() == pytest.approx(0.0059, abs=1e-4)  # the runner's own noise figure
    assert not bench.unstable
    unstable = [b.run_name for b in results.benchmarks if b.unstable]
    assert unstable == ["generators/sum_plus_one/coro_generator/n:1000/pages:cold"]


def test_single_run_without_repetitions():
    results = load_results(fixture("single_run.json"))
    bench = next(b for b in results.benchmarks if b.run_name == "coroutines/pingpong/boost_fiber/alive:1024")
    assert bench.count() == 1
    assert bench.interval("time_ns") is None
    assert bench.cv() is None and not bench.unstable
    assert bench.value("lat_p999_ns") is not None


def test_absent_counters_stay_absent_never_zero():
    results = load_results(fixture("single_run.json"))
    python = next(b for b in results.benchmarks if b.impl == "py_generator")
    assert python.value("rss_peak_bytes") is None
    assert not python.has("lat_p90_ns")
    machine = next(b for b in results.benchmarks if b.impl == "state_machine")
    assert machine.value("lat_p50_ns") is None
    assert "latency not recorded" in machine.labels[0]


def test_errors_skips_units_unknown_fields_and_plain_gb_output():
    results = load_results(fixture("errored.json"))
    assert results.meta == {} and results.label == "errored"
    by_impl = {b.impl: b for b in results.benchmarks}
    assert by_impl["posix_spawn"].failed and "checksum mismatch" in by_impl["posix_spawn"].error
    assert by_impl["io_uring"].failed and "io_uring unavailable" in by_impl["io_uring"].error
    assert by_impl["posix_spawn"].value("time_ns") is None  # a failed benchmark is never "fast"
    assert by_impl["std_thread"].value("time_ns") == pytest.approx(38_000)  # time_unit "us"
    assert by_impl["std_thread"].value("new_field_from_future") is None  # strings are not metrics
    assert results.ignored == ["BM_legacy/8"]


def test_nan_counters_are_absent(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(
        '{"benchmarks": [{"name": "generators/sum/eager/n:1", "run_type": "iteration", '
        '"real_time": 5, "cpu_time": 5, "time_unit": "ms", "lat_p50_ns": NaN, "heap_peak_bytes": 0}]}'
    )
    bench = load_results(path).benchmarks[0]
    assert bench.value("time_ns") == 5e6
    assert bench.value("lat_p50_ns") is None
    assert bench.value("heap_peak_bytes") == 0  # a measured zero is a zero


def test_aggregates_only_output_uses_median_and_stddev(tmp_path):
    path = tmp_path / "aggr.json"
    rows = [("mean", "time", 10.0), ("median", "time", 9.0), ("stddev", "time", 2.0), ("cv", "percentage", 0.2)]
    entries = ",".join(
        f'{{"name": "generators/sum/eager/n:1_{a}", "run_name": "generators/sum/eager/n:1", "run_type": "aggregate", '
        f'"aggregate_name": "{a}", "aggregate_unit": "{u}", "real_time": {v}, "cpu_time": {v}, "time_unit": "us"}}'
        for a, u, v in rows
    )
    path.write_text(f'{{"benchmarks": [{entries}]}}')
    bench = load_results(path).benchmarks[0]
    assert bench.value("time_ns") == 9000.0
    assert bench.interval("time_ns") == (7000.0, 11000.0)
    assert bench.cv() == pytest.approx(0.2) and bench.unstable


def test_python_joins_the_section_of_its_workload():
    report = Report([load_results(fixture("single_run.json"))])
    sections = report.sections()
    assert list(sections) == ["coroutines"]
    impls = {b.impl for b in sections["coroutines"]["pingpong"]}
    assert "py_generator" in impls and "boost_fiber" in impls
    assert all(math.isfinite(b.value("time_ns")) for b in sections["coroutines"]["pingpong"])
