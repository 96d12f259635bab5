"""The python track (benchmarks/python, bin/yb_python): every Python implementation's checksum equals the C++
reference value, the family command-line contract, the error path of a wrong checksum, and a smoke run through
`yieldbench run --family python` whose results load into the reports (with the claims section)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


TRACK = REPO_ROOT / "benchmarks" / "python"

# The track's modules, on the path by pyproject.toml's pytest settings (as bin/yb_python runs them).
import coroutines  # noqa: E402
import generators  # noqa: E402
import parallelism  # noqa: E402
import registry  # noqa: E402
import workloads  # noqa: E402
import yb_python  # noqa: E402


RUNNER = [sys.executable, str(TRACK / "yb_python.py")]

# Printed by the C++ reference functions (benchmarks/<family>/workloads.cpp), compiled and run once.
CXX = {
    ("sum_plus_one", 1000): 500500,
    ("sum_plus_one", 12345): 76205685,
    ("sum_plus_one", 100000): 5000050000,
    ("sum_plus_one", 2000000): 2000001000000,
    ("fibonacci_take", 1000): 9079565065540428012,
    ("fibonacci_take", 12345): 13016842761845988502,
    ("fibonacci_take", 100000): 14406452726835625052,
    ("fibonacci_take", 2000000): 11576048090239331041,
    ("csv_prices", 100): 4826077,
    ("csv_prices", 1000): 48412791,
    ("csv_prices", 10000): 485450466,
    ("switch_round_trip", 1000): 499500,
    ("switch_round_trip", 100000): 4999950000,
    ("send_receive", 1000): 166666500,
    ("send_receive", 100000): 166666666650000,
    ("round_robin", 10, 1000): 9155341931105980453,
    ("round_robin", 1000, 100): 15676346172426834437,
    ("round_robin", 3, 5): 14977582026370202828,
    ("cpu_sum", "seed"): 45000035701881550,
    ("cpu_sum", "balanced"): 5000000200000000,
    ("cpu_sum", "small"): 500002000000,
    ("cpu_sum", (10, 100, 1000)): 2517705,
    ("echo", 1, 1024): 3674624,
    ("echo", 4, 256): 1536974336,
    ("echo", 16, 64): 7680380416,
}


def test_reference_functions_equal_the_cxx_values():
    for n in (1000, 12345, 100000, 2000000):
        assert workloads.sum_plus_one_checksum(n) == CXX["sum_plus_one", n]
    for n in (1000, 12345, 100000):
        assert workloads.fibonacci_take_checksum(n) == CXX["fibonacci_take", n]
    for rows in (100, 1000, 10000):
        assert workloads.csv_rows(rows)[1] == CXX["csv_prices", rows]
    for n in (1000, 100000):
        assert workloads.switch_round_trip_checksum(n) == CXX["switch_round_trip", n]
        assert workloads.send_receive_checksum(n) == CXX["send_receive", n]
    for tasks, yields in ((10, 1000), (1000, 100), (3, 5)):
        assert workloads.round_robin_checksum(tasks, yields) == CXX["round_robin", tasks, yields]
    for name in ("seed", "balanced", "small"):
        assert workloads.cpu_sum_checksum(workloads.WORK_LISTS[name]) == CXX["cpu_sum", name]
    assert workloads.cpu_sum_checksum((10, 100, 1000)) == CXX["cpu_sum", (10, 100, 1000)]
    for conns, messages in ((1, 1024), (4, 256), (16, 64)):
        assert workloads.echo_messages_per_connection(conns) == messages
        assert workloads.echo_checksum(conns, messages) == CXX["echo", conns, messages]


def test_generators_implementations_at_small_sizes():
    for n in (1000, 12345):
        assert generators.sum_genexpr(n) == CXX["sum_plus_one", n]
        assert generators.sum_listcomp(n) == CXX["sum_plus_one", n]
        assert generators.fibonacci_take_generator(n) == CXX["fibonacci_take", n]
        assert generators.fibonacci_take_list(n) == CXX["fibonacci_take", n]
    for rows in (100, 1000):
        csv = workloads.CsvFile(rows)
        try:
            assert generators.csv_line_generator(csv.path) == CXX["csv_prices", rows]
            assert generators.csv_readlines(csv.path) == CXX["csv_prices", rows]
        finally:
            csv.close()
        assert not os.path.exists(csv.path)


def test_coroutines_implementations_at_small_sizes():
    assert coroutines.switch_round_trip_generator(1000) == CXX["switch_round_trip", 1000]
    assert coroutines.switch_round_trip_threads(1000) == CXX["switch_round_trip", 1000]
    assert coroutines.send_receive_generator(1000) == CXX["send_receive", 1000]
    assert coroutines.round_robin_generators(3, 5) == CXX["round_robin", 3, 5]
    assert coroutines.round_robin_generators(10, 1000) == CXX["round_robin", 10, 1000]
    operation, close = coroutines._asyncio_setup(3, 5)()
    try:
        assert operation() == CXX["round_robin", 3, 5]
    finally:
        close()
    operation, close = coroutines._asyncio_setup(10, 1000)()
    try:
        assert operation() == CXX["round_robin", 10, 1000]
    finally:
        close()


@pytest.mark.parametrize("kind", ["serial", "thread", "process"])
@pytest.mark.parametrize("workers", [1, 2])
def test_cpu_sum_implementations_at_a_small_list(kind, workers):
    work_list = (10, 100, 1000)
    if kind == "serial":
        assert parallelism.cpu_sum_serial(work_list) == CXX["cpu_sum", work_list]
        return
    import concurrent.futures

    pool = {"thread": concurrent.futures.ThreadPoolExecutor, "process": concurrent.futures.ProcessPoolExecutor}[kind]
    operation, close = parallelism._pool_setup(pool, workers, work_list)()
    try:
        assert operation() == CXX["cpu_sum", work_list]
        assert operation() == CXX["cpu_sum", work_list]
    finally:
        close()


def test_every_registered_benchmark_runs_its_operation_to_the_expected_checksum():
    """Each benchmark as registered (its own size), except those whose operation is seconds long."""
    for bench in yb_python.all_benchmarks():
        assert bench.impl.startswith("py_") and bench.name.count("/") >= 3
        if bench.items > 200_000:
            continue
        operation, close = bench.setup()
        try:
            assert operation() == bench.expected, bench.name
        finally:
            close()


def _runner(*args, timeout=300):
    # The checkout's root on the path, as bin/yb_python (benchmarks/python/CMakeLists.txt) puts it.
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [*RUNNER, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=environment
    )


def test_yb_list_lines():
    done = _runner("--yb_list")
    assert done.returncode == 0
    kinds = {}
    for line in done.stdout.splitlines():
        kind, path, text = line.split("\t")
        assert text
        kinds.setdefault(kind, []).append(path)
    assert kinds["family"] == ["python"]
    assert "python/generators/sum_plus_one" in kinds["workload"]
    assert "python/generators/py_genexpr" in kinds["implementation"]


def test_list_tests_follows_the_filter():
    done = _runner("--benchmark_list_tests", "--benchmark_filter=sum_plus_one/py_genexpr")
    assert done.stdout.split() == [f"generators/sum_plus_one/py_genexpr/n:{n}" for n in (1000, 100000, 2000000)]
    everything = _runner("--benchmark_list_tests").stdout.split()
    negated = _runner("--benchmark_list_tests", "--benchmark_filter=-generators/").stdout.split()
    assert negated and not any(name.startswith("generators/") for name in negated)
    assert len(everything) > len(negated)
    assert _runner("--benchmark_list_tests", "--benchmark_filter=(").returncode == 2


def test_run_writes_google_benchmark_json_with_progress_and_aggregates(tmp_path):
    out = tmp_path / "out.json"
    done = _runner(
        "--benchmark_filter=sum_plus_one/py_.*/n:1000$|switch_round_trip/py_generator/n:1000$",
        "--benchmark_min_time=0.002",
        "--benchmark_repetitions=3",
        "--yb_latency_seconds=0.01",
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_report_aggregates_only=false",
        f"--benchmark_out={out}",
        "--benchmark_out_format=json",
        "--yb_progress",
    )
    assert done.returncode == 0, done.stderr
    names = [
        "coroutines/switch_round_trip/py_generator/n:1000",
        "generators/sum_plus_one/py_genexpr/n:1000",
        "generators/sum_plus_one/py_listcomp/n:1000",
    ]
    progress = [line.split("\t") for line in done.stdout.splitlines()]
    assert progress and all(len(fields) == 3 and fields[0] == "YB_PROGRESS" for fields in progress)
    # 'running' before each of the three repetitions (the supervisor's watchdog keys on it), one 'ok' at the end
    for name in names:
        assert [status for _, n, status in progress if n == name] == ["running"] * 3 + ["ok"]
    document = json.loads(out.read_text())
    assert document["context"]["python"].startswith("CPython 3")
    entries = document["benchmarks"]
    for name in names:
        iterations = [e for e in entries if e["run_name"] == name and e["run_type"] == "iteration"]
        assert [e["repetition_index"] for e in iterations] == [0, 1, 2]
        for e in iterations:
            assert e["iterations"] >= 1 and e["real_time"] > 0 and e["time_unit"] == "ns"
            for counter in ("items_per_second", "heap_peak_bytes", "ctx_voluntary", "ctx_involuntary"):
                assert isinstance(e[counter], float)
        assert "lat_p50_ns" in iterations[0] and iterations[0]["lat_samples"] >= 10
        aggregates = {e["aggregate_name"]: e for e in entries if e["run_name"] == name and e["run_type"] == "aggregate"}
        assert set(aggregates) == {"mean", "median", "stddev", "cv"}
        assert aggregates["cv"]["aggregate_unit"] == "percentage" and aggregates["mean"]["name"] == name + "_mean"
    listcomp = next(e for e in entries if e["name"] == names[2])
    genexpr = next(e for e in entries if e["name"] == names[1])
    assert listcomp["heap_peak_bytes"] > 8 * 1000 > genexpr["heap_peak_bytes"]  # the list holds 1000 pointers
    assert listcomp["object_bytes"] > genexpr["object_bytes"]


def _bench(expected, **kw):
    return registry.Benchmark(
        "generators", "sum_plus_one", "py_test", (("n", 10),), registry.simple(lambda: 55), expected, 10, **kw
    )


def _options(**kw):
    options = yb_python.parse_args([])
    options.update(min_time=0.001, repetitions=2, latency_seconds=0.001, progress=False)
    options.update(kw)
    return options


def test_a_wrong_checksum_is_an_error_entry_naming_both_values():
    entries = yb_python.run(_options(), [_bench(56)])
    assert len(entries) == 1
    error = entries[0]
    assert error["error_occurred"] is True and error["name"] == "generators/sum_plus_one/py_test/n:10"
    assert error["error_message"].startswith("checksum mismatch") and "expected 56, got 55" in error["error_message"]


def test_a_checksum_that_goes_wrong_in_the_timed_loop_is_caught(capsys):
    calls = []

    def operation():
        calls.append(1)
        return 55 if len(calls) < 4 else 54

    bench = registry.Benchmark(
        "generators",
        "sum_plus_one",
        "py_test",
        (("n", 10),),
        lambda: (operation, registry.no_close),
        55,
        10,
        latency=False,
    )
    entries = yb_python.run(_options(progress=True), [bench])
    assert entries[0]["error_occurred"] and "expected 55, got 54" in entries[0]["error_message"]
    name = "generators/sum_plus_one/py_test/n:10"
    assert capsys.readouterr().out.splitlines() == [
        f"YB_PROGRESS\t{name}\trunning",
        f"YB_PROGRESS\t{name}\tchecksum mismatch in {name}: " "expected 55, got 54",
    ]


def test_skips_are_error_entries_prefixed_skipped():
    entries = yb_python.run(_options(), [_bench(55, skip=lambda min_time: "too long here")])
    assert entries[0]["error_message"] == "skipped: too long here"
    too_long = yb_python.run(_options(), [_bench(55, estimate=lambda: 600.0)])
    assert too_long[0]["error_message"].startswith("skipped: 10 items per operation: ~600.0 s per operation")


def test_installed_family_executable_runs_the_runner():
    executable = REPO_ROOT / "build" / "release" / "bin" / "yb_python"
    if not executable.exists():
        pytest.skip("build/release not built")
    done = subprocess.run(
        [str(executable), "--benchmark_list_tests", "--benchmark_filter=py_asyncio"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.split() and all("py_asyncio" in n for n in done.stdout.split())


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("yb-py")
    done = subprocess.run(
        [
            str(REPO_ROOT / "scripts" / "yieldbench"),
            "run",
            "--family",
            "python",
            "--profile",
            "smoke",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    return out, done


def test_yieldbench_run_accepts_the_python_family(smoke_run):
    out, done = smoke_run
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    document = json.loads((out / "latest" / "results.json").read_text())
    assert document["yieldbench"]["families"] == ["python"] and not document["yieldbench"]["failures"]
    names = {e["run_name"] for e in document["benchmarks"]}
    assert "generators/sum_plus_one/py_genexpr/n:2000000" in names
    assert "ERROR" not in done.stdout
    # The seed's pools, seconds per operation, are measured once rather than skipped as over budget.
    seed = [e for e in document["benchmarks"] if "list:seed" in e["run_name"]]
    assert len(seed) == 5 and not any(e.get("error_occurred") for e in seed)


def test_python_results_load_into_the_same_sections_with_claims(smoke_run):
    out, _ = smoke_run
    from reports import claims
    from reports.load import load_all
    from reports.model import Report

    report = Report(load_all([str(out / "latest" / "results.json")]))
    sections = report.sections()
    assert "py_genexpr" in {b.impl for b in sections["generators"]["sum_plus_one"]}
    assert "py_asyncio" in {b.impl for b in sections["coroutines"]["round_robin"]}
    found = claims.claims(report)
    assert len(found) == 4 and all(c.measured for c in found)
    assert "generator object" in found[0].measured
    summary = (out / "latest" / "report" / "summary.md").read_text()
    html = (out / "latest" / "report" / "index.html").read_text()
    assert "### Claims checked" in summary and 'id="claims"' in html


@pytest.mark.parametrize("server", ["AsyncioServer", "BlockingThreadsServer"])
@pytest.mark.parametrize("conns", [1, 4])
def test_echo_servers_return_the_cxx_checksum_and_leave_nothing_behind(server, conns):
    import threading
    import echo

    fds, threads = len(os.listdir("/proc/self/fd")), threading.active_count()
    messages = echo.w.echo_messages_per_connection(conns)
    operation, close = echo._setup(getattr(echo, server), conns, 64)()
    try:
        assert operation() == CXX["echo", conns, messages]
        assert operation() == CXX["echo", conns, messages]
    finally:
        close()
    assert len(os.listdir("/proc/self/fd")) == fds and threading.active_count() == threads
