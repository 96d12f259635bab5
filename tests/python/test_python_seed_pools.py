"""The seed's pool question in the python track: its work list and work function, the time budget that measures
seconds-long operations once instead of skipping them, the claim "threads do not speed up CPU-bound Python;
processes do" from synthetic results, and a narrow smoke run of the three pools over the seed's list."""
import json
import pathlib
import subprocess

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

import budget  # noqa: E402
import parallelism  # noqa: E402
import registry  # noqa: E402
import workloads  # noqa: E402
import yb_python  # noqa: E402
from reports import claims  # noqa: E402
from reports.load import load_all  # noqa: E402
from reports.model import Report  # noqa: E402

SEED_NAMES = [
    "parallelism/cpu_sum/py_process_pool/list:seed/workers:2",
    "parallelism/cpu_sum/py_serial/list:seed/workers:1",
    "parallelism/cpu_sum/py_thread_pool/list:seed/workers:2",
]


def test_the_seed_list_its_work_function_and_checksum():
    assert workloads.SEED_LIST == (100, 1000, 10000, 100000, 100000000)
    # The notes print these sums for their first four entries.
    assert [parallelism.sum_to(n) for n in workloads.SEED_LIST[:4]] == [5050, 500500, 50005000, 5000050000]
    assert [workloads.triangle(n) for n in workloads.SEED_LIST[:4]] == [5050, 500500, 50005000, 5000050000]
    # The C++ reference (benchmarks/parallelism/workloads.cpp) printed this for the whole list.
    assert workloads.cpu_sum_checksum(workloads.SEED_LIST) == 45000035701881550
    assert parallelism.cpu_sum_serial((10, 100, 1000)) == 2517705  # the kernel itself, at a small list
    seed = [b for b in yb_python.all_benchmarks() if "list:seed" in b.name]
    assert {b.impl for b in seed} == {"py_serial", "py_thread_pool", "py_process_pool"}
    assert all(b.expected == 45000035701881550 and b.items == 100_111_100 for b in seed)


def test_speedup_bound_of_the_lists():
    # Handed out in order: one worker ends with 100 + 10,000 + 100,000,000 numbers.
    assert workloads.speedup_bound(workloads.SEED_LIST, 2) == pytest.approx(100_111_100 / 100_010_100)
    assert workloads.speedup_bound(workloads.SEED_LIST, 1) == 1.0
    assert workloads.speedup_bound(workloads.BALANCED_LIST, 2) == 2.0
    assert workloads.speedup_bound((3, 1, 1, 1), 2) == 2.0  # the three small entries go to the other worker


def test_budget_plans_short_once_and_skipped():
    assert budget.plan(None, 0.05, "x") == budget.Plan()
    short = budget.plan(lambda: 0.2, 0.05, "x")
    assert not short.once and not short.skip and short.heap_probe
    long_for_quick = budget.plan(lambda: 3.4, 0.05, "x")
    assert long_for_quick.once and not long_for_quick.skip and not long_for_quick.heap_probe
    assert "~3.4 s" in long_for_quick.why_once(0.05) and "noise not measured" in long_for_quick.why_once(0.05)
    full = budget.plan(lambda: 3.4, 0.5, "x")  # fits the full profile's repetitions, too long for tracemalloc
    assert not full.once and not full.heap_probe
    too_long = budget.plan(lambda: 60.0, 0.05, "x items")
    assert too_long.skip.startswith("x items: ~60.0 s per operation")


def test_a_long_operation_is_measured_once_with_its_reason(capsys):
    calls, setups = [], []

    def setup():
        setups.append(1)
        return (lambda: calls.append(1) or 55), registry.no_close

    bench = registry.Benchmark(
        "generators", "sum_plus_one", "py_test", (("n", 10),), setup, 55, 10, estimate=lambda: 2.0
    )
    options = yb_python.parse_args([])
    options.update(min_time=0.05, repetitions=3, latency_seconds=0.001, progress=True)
    entries = yb_python.run(options, [bench])
    assert len(setups) == 1 and len(calls) == 1  # no warm-up, no probes: the one timed operation
    assert len(entries) == 1 and not entries[0].get("error_occurred")
    entry = entries[0]
    assert entry["repetitions"] == 1 and entry["iterations"] == 1 and entry["real_time"] > 0
    assert "measured once" in entry["label"] and "heap_peak_bytes" not in entry
    name = "generators/sum_plus_one/py_test/n:10"
    assert capsys.readouterr().out.splitlines() == [f"YB_PROGRESS\t{name}\trunning", f"YB_PROGRESS\t{name}\tok"]


def test_a_long_operation_with_a_wrong_checksum_is_still_an_error():
    bench = registry.Benchmark(
        "generators", "sum_plus_one", "py_test", (("n", 10),), registry.simple(lambda: 54), 55, 10, estimate=lambda: 2
    )
    options = yb_python.parse_args([])
    options.update(min_time=0.05, repetitions=3, progress=False)
    entries = yb_python.run(options, [bench])
    assert entries[0]["error_occurred"] and "expected 55, got 54" in entries[0]["error_message"]


def _figures(serial, threads, processes, bound=2.0, name="seed"):
    return claims.PoolFigures(name, serial, threads, processes, (1, 1, 1), 2, bound)


def test_gil_verdict_confirms_both_halves():
    verdict = claims.gil_verdict(_figures(3e9, 3.1e9, 1.6e9), cpus=2)
    assert verdict.startswith("threads: confirmed (0.97x serial)") and "processes: confirmed (1.88x)" in verdict


def test_gil_verdict_says_so_when_the_data_contradicts_it():
    verdict = claims.gil_verdict(_figures(3e9, 1.5e9, 3e9), cpus=2)
    assert "threads: contradicted (2.00x faster than serial)" in verdict
    assert "processes: contradicted (1.00x serial, though the list allows 2.00x)" in verdict


def test_gil_verdict_on_the_seed_lists_shape_turns_to_the_balanced_list():
    seed = _figures(3e9, 3e9, 2.99e9, bound=1.0011)
    verdict = claims.gil_verdict(seed, _figures(3e9, 3.05e9, 1.7e9, name="balanced"), cpus=2)
    assert "threads: confirmed" in verdict and "not answerable with the seed's list" in verdict
    assert "1.001x" in verdict and "(list=balanced) confirmed, 1.76x" in verdict
    assert "was not measured" in claims.gil_verdict(seed, None, cpus=2)
    assert "contradicted too" in claims.gil_verdict(seed, _figures(3e9, 3e9, 3e9, name="balanced"), cpus=2)


def test_gil_verdict_on_a_busy_machine_does_not_call_slow_processes_a_contradiction():
    seed = _figures(3e9, 3e9, 2.99e9, bound=1.0011)
    busy = claims.gil_verdict(seed, _figures(3e9, 3e9, 2.9e9, name="balanced"), cpus=2, load=3.7)
    assert "(list=balanced) not answered, the machine was busy (load 3.70 on 2 CPUs" in busy
    assert busy.startswith("threads: not answered, the machine was busy") and "contradicted" not in busy
    quiet = claims.gil_verdict(seed, _figures(3e9, 3e9, 2.9e9, name="balanced"), cpus=2, load=0.1)
    assert "contradicted too" in quiet
    shown = claims.gil_verdict(_figures(3e9, 3e9, 1.6e9), cpus=2, load=3.7)  # the CPUs were there after all
    assert shown.startswith("threads: confirmed") and "processes: confirmed" in shown


def test_gil_verdict_on_one_cpu_is_not_answered():
    assert claims.gil_verdict(_figures(3e9, 3e9, 3e9), cpus=1).startswith("not answered: this machine has 1 CPU")


def _entry(name, real_ns, bound=None):
    entry = {
        "name": name,
        "run_name": name,
        "run_type": "iteration",
        "repetitions": 1,
        "repetition_index": 0,
        "threads": 1,
        "iterations": 1,
        "real_time": real_ns,
        "cpu_time": real_ns,
        "time_unit": "ns",
        "label": "CPython 3.11.2; measured once",
    }
    if bound is not None:
        entry["speedup_bound"] = bound
    return entry


def _report(tmp_path, benchmarks, cpus=2, load="0.10 0.20 0.30"):
    path = tmp_path / "results.json"
    context = {"num_cpus": cpus, "load_avg_at_start": load, "date": "2026-12-03T10:00:00+00:00"}
    path.write_text(json.dumps({"context": context, "benchmarks": benchmarks}))
    return Report(load_all([str(path)]))


def test_gil_claim_from_a_synthetic_results_file(tmp_path):
    pools = "parallelism/cpu_sum/py_{}/list:{}/workers:{}"
    benchmarks = [
        _entry(pools.format("serial", "seed", 1), 3.0e9, 1.0),
        _entry(pools.format("thread_pool", "seed", 2), 3.1e9, 1.0011),
        _entry(pools.format("process_pool", "seed", 2), 2.95e9, 1.0011),
        _entry(pools.format("serial", "balanced", 1), 3.0e9, 1.0),
        _entry(pools.format("thread_pool", "balanced", 2), 3.2e9, 2.0),
        _entry(pools.format("process_pool", "balanced", 2), 1.6e9, 2.0),
    ]
    found = claims._gil(_report(tmp_path, benchmarks), "CPython 3.11.2")
    assert "2 CPUs" in found.measured and "list=seed, 2 workers" in found.measured
    assert "serial 3 s" in found.measured or "serial 3.00 s" in found.measured
    assert "speedup 0.97x" in found.measured and "one repetition each" in found.measured
    assert "threads: confirmed" in found.verdict and "(list=balanced) confirmed, 1.88x" in found.verdict
    assert "load 0.10 at the start" in found.measured
    busy = claims._gil(_report(tmp_path, benchmarks[:3], load="3.70 4.20 3.90"), "CPython 3.11.2")
    assert "list=balanced, its total in equal entries, was not measured" in busy.verdict
    one_cpu = claims._gil(_report(tmp_path, benchmarks, cpus=1), "CPython 3.11.2")
    assert one_cpu.verdict.startswith("not answered")


def test_gil_claim_names_what_is_missing(tmp_path):
    skipped = _entry("parallelism/cpu_sum/py_thread_pool/list:seed/workers:2", 0.0)
    skipped.update(error_occurred=True, error_message="skipped: too long here")
    benchmarks = [_entry("parallelism/cpu_sum/py_serial/list:seed/workers:1", 3e9), skipped]
    found = claims._gil(_report(tmp_path, benchmarks), "CPython 3.11.2")
    assert found.verdict == "not answered" and "list=seed needs py_serial and both pools" in found.measured
    assert "skipped: too long here" in found.measured


def test_smoke_run_of_the_seed_pools_writes_all_three(tmp_path):
    done = subprocess.run(
        [
            str(REPO_ROOT / "scripts" / "yieldbench"),
            "run",
            "--family",
            "python",
            "--filter",
            "cpu_sum/py_serial/list:seed|cpu_sum/py_.*_pool/list:seed/workers:2",
            "--profile",
            "smoke",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = tmp_path / "latest" / "results.json"
    document = json.loads(results.read_text())
    entries = {e["run_name"]: e for e in document["benchmarks"] if e.get("run_type") == "iteration"}
    assert sorted(entries) == SEED_NAMES
    for entry in entries.values():
        assert not entry.get("error_occurred") and entry["real_time"] > 0 and entry["repetitions"] == 1
        assert "measured once" in entry["label"]
    for name in SEED_NAMES:
        noise = document["yieldbench"]["noise"][name]
        assert {k: noise[k] for k in ("repetitions", "cv", "unstable", "stop")} == {
            "repetitions": 1,
            "cv": None,
            "unstable": None,
            "stop": "repetitions",
        }
    assert entries[SEED_NAMES[0]]["speedup_bound"] == pytest.approx(100_111_100 / 100_010_100)
    found = claims._gil(Report(load_all([str(results)])), "CPython")
    assert "list=seed" in found.measured and found.verdict != "not answered"
