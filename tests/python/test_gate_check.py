"""The regression gate's own check: YB_FAILPOINT=slow:PCT@NAME slows one benchmark by calibrated extra work and
says what it added, and `yieldbench gate-check` runs A/A and slowed gate runs and tabulates what the gate saw."""
import json
import math
import os
import pathlib
import shutil
import subprocess

import pytest

import ybresults

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")

ITERATOR = "generators/sum_plus_one/iterator/n:100000"
TWO = "^generators/sum_plus_one/(callback|iterator)/n:100000$"


def yieldbench(*args, environment=None, timeout=900):
    return subprocess.run(
        [YIELDBENCH, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env=dict(os.environ, **(environment or {})),
    )


def test_a_slow_failpoint_slows_its_benchmark_only_and_reports_what_it_added(tmp_path):
    done = yieldbench(
        "run",
        "--profile",
        "smoke",
        "--family",
        "generators",
        "--filter",
        TWO,
        "--out",
        tmp_path,
        environment={"YB_FAILPOINT": f"slow:50@{ITERATOR}"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = ybresults.load(tmp_path / "latest" / "results.json")
    assert set(results.benchmarks) == {ITERATOR, "generators/sum_plus_one/callback/n:100000"}
    added = results.benchmarks[ITERATOR].samples("failpoint_slowdown")
    # What the loop achieved is a time on a shared machine: its value is for the gate check's table, not a test
    # (the instruction-mode test below checks the amount of work, which is exact).
    assert added and all(math.isfinite(value) for value in added), added
    assert not results.benchmarks["generators/sum_plus_one/callback/n:100000"].samples("failpoint_slowdown")


@pytest.fixture(scope="module")
def gate_check(tmp_path_factory):
    out = tmp_path_factory.mktemp("gate-check")
    done = yieldbench(
        "gate-check",
        "--runs",
        "1",
        "--slowdowns",
        "100",
        "--filter",
        TWO,
        "--victims",
        ITERATOR,
        "--rounds",
        "2",
        "--repetitions",
        "3",
        "--out",
        out,
    )
    return out, done


def test_gate_check_runs_a_and_a_and_a_slowed_gate_and_tabulates_them(gate_check):
    out, done = gate_check
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (folder,) = out.glob("gate-check-*-time")
    table = (folder / "summary.md").read_text()
    assert "| none (A/A) | 1 |" in table and "| 100% | 1 |" in table
    records = json.loads((folder / "records.json").read_text())
    assert [record["slowdown"] for record in records] == [0.0, 100.0]
    slowed = records[1]
    assert slowed["victim"] == ITERATOR and slowed["achieved"] > 0.3
    # Twice the work is far beyond this pair's spread: a gate that misses it is broken, not unlucky.
    assert ITERATOR in slowed["regressions"], slowed
    assert slowed["victim_change"] > 0.3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--slowdowns", "ten"], "expected percentages"),
        (["--slowdowns", "0"], "above 0"),
        (["--victims", "generators/nothing/here/n:1", "--filter", TWO], "is not among the 2 benchmarks"),
        (["--measure", "wallclock"], "invalid choice"),
    ],
)
def test_gate_check_refuses_bad_input_with_exit_2(args, message):
    done = yieldbench("gate-check", *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind (scripts/bootstrap --profiling) is missing")
def test_in_instruction_mode_the_slowed_side_counts_the_extra_work(tmp_path):
    done = yieldbench(
        "gate-check",
        "--measure",
        "instructions",
        "--runs",
        "1",
        "--slowdowns",
        "20",
        "--filter",
        TWO,
        "--victims",
        ITERATOR,
        "--out",
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (folder,) = tmp_path.glob("gate-check-*-instructions")
    unchanged, slowed = json.loads((folder / "records.json").read_text())
    assert unchanged["victim_change"] == 0 and not unchanged["regressions"]
    # Counts are exact; the extra work was sized by time under valgrind, so only its order is checked.
    assert 0.05 < slowed["victim_change"] < 0.6 and slowed["regressions"] == [ITERATOR], slowed
