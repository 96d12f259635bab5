"""What `yieldbench run` does when a benchmark goes wrong: hangs (watchdog), crashes, leaks (the harness's
audit), or the run is interrupted (Ctrl-C, SIGTERM). Benchmarks misbehave on demand through YB_FAILPOINT
(harness/failpoints.h); the whole smoke suite is run once with the leak audit, expecting nothing leaked."""
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

import ybresults

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")

# Three quick benchmarks, run in this (name) order.
CALLBACK = "generators/sum_plus_one/callback/n:100000"
ITERATOR = "generators/sum_plus_one/iterator/n:100000"
RANGES = "generators/sum_plus_one/ranges_view/n:100000"
THREE = "generators/sum_plus_one/(callback|iterator|ranges_view)/n:100000"


def run_three(out, failpoint, *extra, timeout=300):
    environment = dict(os.environ, YB_FAILPOINT=failpoint)
    return subprocess.run(
        [
            YIELDBENCH,
            "run",
            "--profile",
            "smoke",
            "--family",
            "generators",
            "--filter",
            THREE,
            "--out",
            str(out),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env=environment,
    )


def entries_by_name(run_dir):
    document = json.loads((run_dir / "results.json").read_text())
    return document, {entry["name"]: entry for entry in document["benchmarks"]}


def processes_mentioning(text):
    """PIDs whose command line contains `text` (a test's own temporary folder: only what it started)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_the_whole_smoke_suite_leaks_nothing_and_fails_nothing(tmp_path):
    done = subprocess.run(
        [YIELDBENCH, "run", "--profile", "smoke", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=REPO_ROOT,
    )
    document, entries = entries_by_name(tmp_path / "latest")
    leaked = {
        name: entry["error_message"] for name, entry in entries.items() if "leaked" in entry.get("error_message", "")
    }
    assert leaked == {}
    failed = {
        name: entry["error_message"]
        for name, entry in entries.items()
        if entry.get("error_occurred") and not entry["error_message"].startswith("skipped: ")
    }
    assert failed == {}, done.stdout[-3000:]
    assert document["yieldbench"]["failures"] == []
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert set(document["yieldbench"]["families"]) >= {"generators", "coroutines", "parallelism", "io"}


def test_a_hung_benchmark_is_ended_by_the_watchdog_and_the_family_goes_on(tmp_path):
    started = time.monotonic()
    done = run_three(tmp_path, f"hang@{ITERATOR}", "--timeout", "2")
    assert time.monotonic() - started < 120
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{ITERATOR}  ERROR: timed out: over the 2 s budget" in done.stdout
    document, entries = entries_by_name(tmp_path / "latest")
    assert "timed out" in entries[ITERATOR]["error_message"]
    assert not entries[CALLBACK].get("error_occurred") and not entries[RANGES].get(
        "error_occurred"
    ), "the benchmarks before and after the hung one keep their results"
    assert document["yieldbench"]["failures"][0]["benchmark"] == ITERATOR
    assert processes_mentioning(str(tmp_path)) == []


@pytest.mark.parametrize("failpoint, reason", [("crash", "killed by SIGSEGV"), ("exit", "exit status 3")])
def test_a_benchmark_that_kills_its_process_is_recorded_and_the_others_kept(tmp_path, failpoint, reason):
    done = run_three(tmp_path, f"{failpoint}@{ITERATOR}")
    assert done.returncode == 1, done.stdout + done.stderr
    document, entries = entries_by_name(tmp_path / "latest")
    assert entries[ITERATOR]["error_message"] == f"yb_generators {reason} during this benchmark"
    assert [entry.get("error_occurred", False) for entry in (entries[CALLBACK], entries[RANGES])] == [False, False]
    assert document["yieldbench"]["partial"] is True


def test_a_leaked_descriptor_is_an_error_naming_it(tmp_path):
    done = run_three(tmp_path, f"leak_fd@{RANGES}")
    assert done.returncode == 1
    _, entries = entries_by_name(tmp_path / "latest")
    assert entries[RANGES]["error_message"].startswith("leaked 1 fd (")
    assert "/dev/null" in entries[RANGES]["error_message"]
    assert not entries[CALLBACK].get("error_occurred")


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_writes_what_finished_marked_partial_and_keeps_latest(tmp_path, signal_number):
    previous = tmp_path / "20200101-000000-quick"
    previous.mkdir()
    (previous / "results.json").write_text('{"context": {}, "benchmarks": []}')
    (tmp_path / "latest").symlink_to(previous.name)
    environment = dict(os.environ, YB_FAILPOINT=f"hang@{ITERATOR}")
    child = subprocess.Popen(
        [YIELDBENCH, "run", "--profile", "smoke", "--family", "generators", "--filter", THREE, "--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
    )
    try:
        seen = []
        for line in child.stdout:  # the first benchmark done, the second hanging
            seen.append(line)
            if CALLBACK in line:
                break
        time.sleep(0.5)
        child.send_signal(signal_number)
        seen.append(child.stdout.read())
        status = child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    output = "".join(seen)
    assert status == 128 + signal_number, output
    assert os.readlink(tmp_path / "latest") == previous.name
    (run_dir,) = [path for path in tmp_path.iterdir() if not path.is_symlink() and path.is_dir() and path != previous]
    document, entries = entries_by_name(run_dir)
    assert list(entries) == [CALLBACK]
    assert document["yieldbench"]["partial"] is True
    assert document["yieldbench"]["interrupted"] == signal.Signals(signal_number).name
    assert f"interrupted by {signal.Signals(signal_number).name}" in output
    assert processes_mentioning(str(tmp_path)) == [], "the hung benchmark's process is ended with the run"


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_a_bad_timeout_is_one_line_and_exit_2(value):
    done = subprocess.run(
        [YIELDBENCH, "run", "--timeout", value], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )
    assert done.returncode == 2
    assert "--timeout" in done.stderr and "Traceback" not in done.stderr


GB_OUTPUT = """{
  "context": {"executable": "yb_generators", "num_cpus": 2},
  "benchmarks": [
    {"name": "generators/a/x", "run_type": "iteration", "real_time": 1.5},
    {"name": "generators/b/x", "run_type": "iteration", "real_time": 2.5},
    {"name": "generators/c/x", "run_type": "iteration", "real_time": 3.5}
  ]
}
"""


def test_a_complete_result_file_reads_as_it_is(tmp_path):
    path = tmp_path / "out.json"
    path.write_text(GB_OUTPUT)
    assert ybresults.read_partial(path) == json.loads(GB_OUTPUT)


@pytest.mark.parametrize(
    "cut_after, names",
    [
        ("3.5}", ["generators/a/x", "generators/b/x", "generators/c/x"]),
        ('"real_time": 3', ["generators/a/x", "generators/b/x"]),
        ("2.5},", ["generators/a/x", "generators/b/x"]),
        ('"benchmarks": [', []),
    ],
)
def test_a_killed_writers_file_gives_back_every_complete_entry(tmp_path, cut_after, names):
    path = tmp_path / "out.json"
    path.write_text(GB_OUTPUT[: GB_OUTPUT.index(cut_after) + len(cut_after)])
    document = ybresults.read_partial(path)
    assert [entry["name"] for entry in document["benchmarks"]] == names
    assert document["context"]["executable"] == "yb_generators"
    assert document["context"]["truncated"] is True


@pytest.mark.parametrize("text", ["", '{\n  "context": {"executable": "yb_gener'])
def test_a_file_cut_before_its_benchmarks_gives_nothing(tmp_path, text):
    path = tmp_path / "out.json"
    path.write_text(text)
    assert ybresults.read_partial(path) is None
    assert ybresults.read_partial(tmp_path / "missing.json") is None
