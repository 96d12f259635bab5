"""Instruction mode: coverage rules, results shape, and a known loop counted twice gives the same count."""
import shutil

import pytest

import ybresults

import ybgate
from ybcli import instructions, paths

GENERATORS = paths.bin_dir("release") / "yb_generators"
LOOP = "generators/sum_plus_one/iterator/n:1000/real_time"


def test_coverage_excludes_thread_process_and_socket_benchmarks():
    assert instructions.covered("generators/sum_plus_one/iterator/n:1000", "generators") == ""
    assert instructions.covered("coroutines/switch_round_trip/ucontext/n:1000", "coroutines") == ""
    assert "scheduler" in instructions.covered(
        "coroutines/switch_round_trip/thread_handoff/n:1000/cpus:same", "coroutines"
    )
    assert "threads and processes" in instructions.covered("parallelism/spawn_join/fork/workers:4", "parallelism")
    assert "kernel" in instructions.covered("io/echo_tcp/epoll/conns:8/msg:64", "io")
    assert "CPython" in instructions.covered("generators/sum_plus_one/py_genexpr/n:1000", "python")


def test_entries_carry_instructions_per_operation_and_drop_time_counters():
    gb = [
        {
            "name": "g/w/a",
            "run_name": "g/w/a",
            "run_type": "iteration",
            "iterations": 1,
            "real_time": 9e6,
            "time_unit": "ns",
            "ctx_switches": 3.0,
            "heap_peak_bytes": 64.0,
            "lat_p50_ns": 5.0,
        },
        {
            "name": "g/w/a",
            "run_name": "g/w/a",
            "run_type": "iteration",
            "iterations": 2,
            "real_time": 9e6,
            "time_unit": "ns",
            "heap_peak_bytes": 64.0,
        },
        {"name": "g/w/a_median", "run_name": "g/w/a", "run_type": "aggregate", "real_time": 9e6},
    ]
    entries = instructions.to_entries(gb, [1000, 2000])
    assert [entry["real_time"] for entry in entries] == [1000, 1000]
    assert entries[0]["time_unit"] == "Ir" and entries[0]["instructions"] == 1000
    assert "ctx_switches" not in entries[0] and "lat_p50_ns" not in entries[0] and entries[0]["heap_peak_bytes"] == 64
    mismatched = instructions.to_entries(gb, [1000])
    assert all(entry["error_occurred"] for entry in mismatched)


@pytest.mark.skipif(
    not GENERATORS.exists() or not shutil.which("valgrind"),
    reason="needs the release build and valgrind (yieldbench test provides both)",
)
def test_a_known_loop_measured_twice_gives_the_same_count(tmp_path):
    first, _, status = instructions.measure_one(GENERATORS, LOOP, 2, tmp_path)
    second, _, _ = instructions.measure_one(GENERATORS, LOOP, 2, tmp_path)
    assert status == "ok"
    counts = [entry["instructions"] for entry in first + second]
    assert len(counts) == 4 and len(set(counts)) == 1, counts
    # Summing 1000 elements takes thousands of instructions, not the whole process's millions.
    assert 1000 < counts[0] < 100_000
    document = {"benchmarks": first, "yieldbench": {"measure": "instructions"}}
    loaded = ybresults.model.from_document(document, "first")
    bench = loaded.benchmarks[first[0]["run_name"]]
    assert loaded.measure == "instructions" and list(ybgate.samples.of(bench, "instructions").values) == counts[:2]
