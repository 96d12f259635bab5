"""Adaptive sampling (`yieldbench run`): the stopping rule on given samples, the median's interval, the loop over
processes with the real supervisor and a stand-in family executable, CPU pinning, busy-machine detection on fake
readings, and the progress line's time left."""
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import ybresults
from ybcli import machine_load, run
from ybcli.progress import Progress
from ybcli.sampling import Sampling, sample_family, stop_reason
from ybcli.supervisor import FamilyRun
from ybresults import noise

QUICKISH = Sampling(per_process=3, min_processes=2, max_samples=12, max_seconds=5.0, target=0.02)


# --- the median's interval and the stopping rule, on given samples ------------------------------------------


def test_the_median_interval_is_the_sign_tests_order_statistics_interpolated_to_95_percent():
    low, high, confidence = noise.median_interval([9, 1, 8, 2, 7, 3, 6, 4, 5])
    # With 9 samples the 2nd smallest and largest hold the median at 96.1%, the 3rd at 82.0%; 95% lies
    # between, nearer the outer pair (Hettmansperger and Sheather's interpolation, worked by hand).
    outer, inner = 1 - 2 * (1 + 9) / 512, 1 - 2 * (1 + 9 + 36) / 512
    share = (outer - 0.95) / (outer - inner)
    weight = 7 * share / (2 + 5 * share)
    assert (low, high) == (pytest.approx(2 + weight), pytest.approx(8 - weight))
    assert 2 < low < 2.5 and 7.5 < high < 8
    assert confidence == 0.95
    eight = noise.median_interval([1, 2, 3, 4, 5, 6, 7, 8])
    assert 1.9 < eight[0] < 2 and 7 < eight[1] < 7.1, "8 samples: near the 2nd and 7th, not the whole range"
    assert noise.median_interval([3, 1, 2])[:2] == (1, 3), "under 6 samples: the whole range"
    assert noise.median_interval([1.0]) is None
    assert noise.relative_half_width([98, 100, 102]) == pytest.approx(0.02)


def test_a_stable_benchmark_stops_once_two_processes_agree():
    samples = [100.0, 100.4, 99.8, 100.1, 99.9, 100.2]
    assert stop_reason(samples[:3], 1, 0.3, QUICKISH) is None, "one process never settles it"
    assert stop_reason(samples, 2, 0.6, QUICKISH) == "ci-target"


def test_a_noisy_benchmark_samples_until_its_budget():
    noisy = [100.0, 130.0, 80.0, 120.0, 90.0, 110.0]
    assert stop_reason(noisy, 2, 0.6, QUICKISH) is None, "its interval is far wider than ±2%"
    assert stop_reason(noisy * 2, 4, 1.2, QUICKISH) == "max-samples"
    assert stop_reason(noisy, 2, 5.0, QUICKISH) == "max-seconds"


def test_a_fixed_count_is_spread_over_processes_and_stops_there():
    fixed = Sampling.fixed(5, 2)
    assert (fixed.per_process, fixed.min_processes, fixed.next_repetitions(3)) == (3, 2, 2)
    assert stop_reason([1.0, 2.0, 3.0], 1, 99.0, fixed) is None
    assert stop_reason([1.0, 2.0, 3.0, 4.0, 5.0], 2, 0.0, fixed) == "repetitions"
    assert Sampling.fixed(1, 2).min_processes == 1
    assert set(run.PROFILES["quick"].sampling.record()) >= {"target", "max_samples", "max_seconds"}


def test_noise_entries_say_samples_processes_and_the_stop_reason():
    entries = [
        {"name": "f/w/a/n:1", "run_name": "f/w/a/n:1", "run_type": "iteration", "real_time": t, "process_index": p}
        for t, p in ((100.0, 0), (101.0, 0), (100.5, 1), (99.5, 1))
    ]
    verdict = ybresults.merge({"f": {"benchmarks": entries}}, {}, {"f/w/a/n:1": {"stop": "ci-target", "seconds": 0.5}})[
        "yieldbench"
    ]["noise"]
    entry = verdict["f/w/a/n:1"]
    assert (entry["repetitions"], entry["processes"], entry["stop"], entry["unstable"]) == (4, 2, "ci-target", False)
    assert entry["ci"] == pytest.approx(0.75 / 100.25)
    assert entry["ci_confidence"] == pytest.approx(0.875) and entry["seconds"] == 0.5


def test_unstable_means_the_median_is_not_known_to_five_percent():
    few = [100.0, 112.0, 90.0, 108.0]
    many = [100.0, 112.0, 90.0, 101.0, 99.0, 101.0, 100.5, 99.5, 100.2, 99.8, 111.0, 91.0]
    assert noise.cv(few) > noise.UNSTABLE_CV and noise.cv(many) > noise.UNSTABLE_CV, "both spread beyond 5%"
    assert noise.verdict(few)["unstable"] is True, "four samples: the whole range, ±11%"
    assert noise.verdict(many)["unstable"] is False, "twelve: between the 3rd and 4th from each end, ±0.9%"
    assert noise.text(noise.verdict(many)) == f"cv {100 * noise.cv(many):.1f}% ±0.9% ok"
    assert noise.text({"cv": 0.07, "unstable": True}) == "cv 7.0% UNSTABLE", "older files: no interval"


# --- the loop over processes, with the real supervisor ---------------------------------------------------------

# A stand-in family executable: Google Benchmark's JSON and the progress lines for the benchmarks its filter
# names; `stable` and `threaded` (reported with Google Benchmark's /threads:2) always take 100 ns, `noisy`
# anywhere from 50 to 150; its CPUs go to a file per process.
FAKE = textwrap.dedent(
    """\
    import json, os, random, re, sys
    arguments = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
    names = [n for n in ("f/w/stable/n:1", "f/w/noisy/n:1", "f/w/threaded/n:1")
             if re.search(arguments["--benchmark_filter"], n)]
    repetitions = int(arguments["--benchmark_repetitions"])
    with open(os.environ["FAKE_CPUS"], "a") as cpus:
        cpus.write(json.dumps(sorted(os.sched_getaffinity(0))) + "\\n")
    entries = []
    for name in names:
        name += "/threads:2" if "threaded" in name else ""  # as Google Benchmark reports a threaded one
        print("YB_PROGRESS\\t%s\\trunning" % name, flush=True)
        for index in range(repetitions):
            time = random.uniform(50, 150) if "noisy" in name else 100.0
            entries.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": repetitions,
                            "repetition_index": index, "threads": 1, "iterations": 10, "real_time": time,
                            "cpu_time": time, "time_unit": "ns"})
        print("YB_PROGRESS\\t%s\\tok" % name, flush=True)
    with open(arguments["--benchmark_out"], "w") as out:
        json.dump({"context": {"executable": "fake"}, "benchmarks": entries}, out)
    """
)


@pytest.fixture
def fake_family(tmp_path, monkeypatch):
    executable = tmp_path / "yb_fake"
    executable.write_text(f"#!{sys.executable}\n" + FAKE)
    executable.chmod(0o755)
    monkeypatch.setenv("FAKE_CPUS", str(tmp_path / "cpus.jsonl"))
    return executable


def test_stable_stops_early_noisy_runs_to_its_budget_over_several_processes(fake_family, tmp_path, capsys):
    planned = ["f/w/stable/n:1", "f/w/noisy/n:1", "f/w/threaded/n:1"]
    family, stops = FamilyRun("f"), {}
    shown = Progress(3, {"f": 3}, QUICKISH.min_processes, 0.1)
    sample_family(family, fake_family, planned, [], QUICKISH, 30, tmp_path, shown, stops)

    assert {name: stop["stop"] for name, stop in stops.items()} == {
        "f/w/stable/n:1": "ci-target",
        "f/w/noisy/n:1": "max-samples",
        "f/w/threaded/n:1": "ci-target",
    }
    assert all(stop["seconds"] >= 0 for stop in stops.values())
    entries = family.output()["benchmarks"]
    processes = {name: sorted({e["process_index"] for e in entries if e["run_name"] == name}) for name in planned}
    assert processes == {"f/w/stable/n:1": [0, 1], "f/w/noisy/n:1": [0, 1, 2, 3], "f/w/threaded/n:1": []}
    merged = ybresults.merge({"f": family.output()}, {}, stops)["yieldbench"]["noise"]
    assert (
        merged["f/w/threaded/n:1/threads:2"]["stop"] == "ci-target"
        and merged["f/w/threaded/n:1/threads:2"]["processes"] == 2
    )
    assert sum(e["run_name"] == "f/w/noisy/n:1" for e in entries) == QUICKISH.max_samples
    printed = capsys.readouterr().out
    assert "[1/3]" in printed and "6 samples, ci-target" in printed and "12 samples, max-samples" in printed
    assert "f: process 4 of 2 to 4, 1 benchmark(s) sampling" in printed


def test_cpus_pins_every_benchmark_process(fake_family, tmp_path):
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        pytest.skip("pinning is only visible with two or more CPUs to choose from")
    chosen = frozenset({allowed[-1]})
    family = FamilyRun("f", cpus=chosen)
    sample_family(family, fake_family, ["f/w/stable/n:1"], [], QUICKISH, 30, tmp_path, Progress(1), {})
    seen = [json.loads(line) for line in (tmp_path / "cpus.jsonl").read_text().splitlines()]
    assert seen == [[allowed[-1]], [allowed[-1]]], "both processes ran on the one CPU asked for"
    assert sorted(os.sched_getaffinity(0)) == allowed, "this process keeps its own CPUs"


@pytest.mark.parametrize(
    "text, message",
    [("x", "not a CPU list"), ("3-1", "counts down"), ("4096", "not available"), ("0,", "not a CPU list")],
)
def test_a_bad_cpu_list_is_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        machine_load.parse_cpus(text)
    with pytest.raises(run.UsageError, match="--cpus"):
        run.Options(cpus=text)


# --- a busy machine, on fake readings ----------------------------------------------------------------------


class FakeMachine:
    """/proc/stat's busy seconds, our CPU seconds and a clock, advanced by `sleep`; others use `others` CPUs."""

    def __init__(self, others: list):
        self.others, self.busy, self.ours, self.now = list(others), 0.0, 0.0, 0.0

    def sleep(self, seconds: float) -> None:
        load = self.others.pop(0) if len(self.others) > 1 else self.others[0]
        self.busy += (load + 0.2) * seconds  # 0.2 CPUs of our own on top
        self.ours += 0.2 * seconds
        self.now += seconds

    def meter(self) -> machine_load.Meter:
        return machine_load.Meter(lambda: self.busy, lambda: self.ours, lambda: 2.65, lambda: self.now)


def test_others_cpu_use_is_measured_without_our_own():
    machine = FakeMachine([1.3])
    meter = machine.meter()
    machine.sleep(2.0)
    reading = meter.reading()
    assert reading.others_cpus == pytest.approx(1.3) and reading.busy
    assert "others use 1.30 CPUs, load average 2.65" == reading.describe()


def test_a_busy_machine_is_waited_for_then_the_run_goes_on_marked_busy():
    said = []
    machine = FakeMachine([1.5])
    reading = machine_load.wait_for_quiet(machine.meter(), 5, said.append, sleep=machine.sleep)
    assert reading.busy and machine.now == pytest.approx(6.0), "one second measured, then five waited"
    assert said[0].startswith("the machine is busy (others use 1.50 CPUs") and "waiting up to 5 s" in said[0]
    assert said[1].startswith("still busy after 5 s") and "marked busy" in said[1]
    record = machine_load.summary(reading, [])
    assert record["yb_busy"] is True and record["yb_load"]["before_others_cpus"] == 1.5


def test_a_machine_that_calms_down_is_quiet_and_a_quiet_one_is_not_waited_for():
    said = []
    machine = FakeMachine([1.5, 1.5, 0.1])
    assert not machine_load.wait_for_quiet(machine.meter(), 30, said.append, sleep=machine.sleep).busy
    assert machine.now == pytest.approx(3.0) and said[-1].startswith("the machine is quiet after 2 s")
    quiet, said = FakeMachine([0.05]), []
    assert not machine_load.wait_for_quiet(quiet.meter(), 30, said.append, sleep=quiet.sleep).busy
    assert said == [] and quiet.now == pytest.approx(1.0)
    assert machine_load.summary(machine_load.Reading(0.0, None), [machine_load.Reading(0.9, 1.0)])["yb_busy"]


def test_a_busy_run_is_a_warning_in_its_report(tmp_path):
    from reports import contexts

    entry = {"name": "f/w/a/n:1", "run_name": "f/w/a/n:1", "run_type": "iteration", "real_time": 1.0}
    document = ybresults.merge({"f": {"benchmarks": [entry]}}, {"run_id": "busy-run"})
    document["context"].update(machine_load.summary(machine_load.Reading(1.2, 2.7), []))
    path = tmp_path / "results.json"
    ybresults.write(path, document)
    lines = contexts.warnings([ybresults.load(path)])
    assert len(lines) == 1 and "busy with other work" in lines[0] and "others use 1.20 CPUs" in lines[0]


# --- time left -----------------------------------------------------------------------------------------------


def test_progress_says_the_time_left_for_the_run_and_the_family(capsys, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr("ybcli.progress.time.monotonic", lambda: clock[0])
    shown = Progress(4, {"a": 2, "b": 2}, min_processes=2, guess_seconds=1.0)
    shown.start_process("a", 0, ["a/1", "a/2"], " of 2 to 4")
    assert "a: process 1 of 2 to 4, 2 benchmark(s) sampling, ~4s left in the family, ~8s in the run" in (
        capsys.readouterr().out
    )
    for name in ("a/1", "a/2"):
        clock[0] += 3.0
        shown.sampled(name, "ok")
    shown.start_process("a", 1, ["a/1", "a/2"])
    clock[0] += 3.0
    shown.sampled("a/1", "ok")
    shown.finished("a/1", "ok", "6 samples, ci-target")
    line = capsys.readouterr().out.splitlines()[-1]
    # 3 units done in 9 s: 3 s a unit; a has 1 unit left, b its 4.
    assert line == "[1/4]     9.0s  a/1  6 samples, ci-target  ~15s left (a ~3s)"


# --- as a user runs it ---------------------------------------------------------------------------------------

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_a_quick_run_samples_over_two_processes_pinned_and_says_why_each_stopped(tmp_path):
    cpu = max(os.sched_getaffinity(0))
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "yieldbench"), "run", "--profile", "quick", "--family", "generators"]
        + ["--filter", "sum_plus_one/iterator/n:1000$", "--cpus", str(cpu), "--wait", "0", "--history", "off"]
        + ["--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = json.loads((tmp_path / "latest" / "results.json").read_text())
    meta, context = document["yieldbench"], document["context"]
    assert meta["cpus"] == [cpu] and meta["sampling"] == run.PROFILES["quick"].sampling.record()
    verdict = meta["noise"]["generators/sum_plus_one/iterator/n:1000"]
    sampling = run.PROFILES["quick"].sampling
    assert verdict["processes"] >= 2 and sampling.per_process * 2 <= verdict["repetitions"] <= sampling.max_samples
    assert verdict["stop"] in ("ci-target", "max-samples", "max-seconds") and verdict["seconds"] > 0
    entries = [e for e in document["benchmarks"] if e["run_type"] == "iteration"]
    assert sorted({e["process_index"] for e in entries}) == list(range(verdict["processes"]))
    assert isinstance(context["yb_busy"], bool) and "before_others_cpus" in context["yb_load"]
    progress = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert len(progress) == 1 and f"{verdict['repetitions']} samples, {verdict['stop']}" in progress[0]
    assert " left (generators ~" in progress[0]
    assert "generators: process 2 of 2 to 4" in done.stdout
