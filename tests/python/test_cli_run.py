"""`yieldbench run` end to end on the smoke profile, and its answers to bad input."""
import json
import os
import pathlib
import subprocess

import pytest

import ybresults
from ybresults import counters

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")

# What every generators benchmark reports (docs/design.md's counters table; generators have no
# per-unit memory, so bytes_per_unit is not theirs).
ALWAYS = [
    "items_per_second",
    "heap_allocs",
    "heap_peak_bytes",
    "heap_total_bytes",
    "ctx_voluntary",
    "ctx_involuntary",
    "page_faults",
]
PERF = ["ctx_switches", "cpu_migrations", "page_faults"]
LATENCY = ["lat_p50_ns", "lat_p90_ns", "lat_p99_ns", "lat_p999_ns", "lat_max_ns"]


def yieldbench(*args, timeout=600):
    return subprocess.run([YIELDBENCH, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    done = yieldbench("run", "--profile", "smoke", "--family", "generators", "--out", str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done


def test_smoke_run_writes_results_and_points_latest_at_them(smoke_run):
    out, done = smoke_run
    latest = out / "latest"
    assert latest.is_symlink()
    run_dir = latest.resolve()
    assert run_dir.parent == out.resolve()
    assert sorted(path.name for path in run_dir.iterdir() if path.name != "report") == [
        "results.csv",
        "results.json",
    ], "no temporary or per-family files may be left behind"
    document = json.loads((latest / "results.json").read_text())
    assert document["yieldbench"]["profile"] == "smoke"
    assert document["yieldbench"]["families"] == ["generators"]
    assert not document["yieldbench"]["failures"]
    assert (run_dir / "report" / "index.html").is_file() and (run_dir / "report" / "summary.md").is_file()
    assert oct(os.stat(latest / "results.json").st_mode & 0o044) == oct(0o044), "results are readable by others"


def test_smoke_run_prints_progress_and_a_summary(smoke_run):
    _, done = smoke_run
    progress = [line for line in done.stdout.splitlines() if line.startswith("[")]
    total = int(progress[0].split("/")[1].split("]")[0])
    assert len(progress) == total > 50
    assert progress[-1].startswith(f"[{total}/{total}]")
    assert "generators/sum_plus_one  n:2000000" in done.stdout
    assert "eager_vector pages:cold" in done.stdout


def test_smoke_run_writes_strict_json_with_only_registered_counters(smoke_run):
    out, _ = smoke_run

    def refuse(constant):
        raise ValueError(f"{constant} is not RFC 8259 JSON")

    text = (out / "latest" / "results.json").read_text()
    document = json.loads(text, parse_constant=refuse)
    assert document["yieldbench"]["schema_version"] == ybresults.SCHEMA_VERSION
    assert counters.unregistered(document["benchmarks"]) == []


def test_smoke_run_carries_every_counter_for_generators(smoke_run):
    out, _ = smoke_run
    document = json.loads((out / "latest" / "results.json").read_text())
    context = document["context"]
    unavailable = context["unavailable_metrics"]
    benchmarks = [entry for entry in document["benchmarks"] if entry["run_type"] == "iteration"]
    names = {entry["run_name"].split("/")[2] for entry in benchmarks}
    assert names == {"eager_vector", "coroutine_generator", "iterator", "ranges_view", "callback", "fiber_generator"}

    for entry in benchmarks:
        assert not entry.get("error_occurred"), entry
        assert entry["run_name"].startswith("generators/")
        expected = list(ALWAYS)
        if "rss_peak_bytes" not in unavailable:
            expected.append("rss_peak_bytes")
        if "ctx_switches" not in unavailable:
            expected += PERF
        missing = [counter for counter in expected if counter not in entry]
        assert not missing, f"{entry['run_name']} lacks {missing}"
        # Latency percentiles are either there or the label says why not.
        if not all(counter in entry for counter in LATENCY):
            assert "latency" in entry.get("label", ""), entry["run_name"]

    for counter in LATENCY:
        assert any(counter in entry for entry in benchmarks), f"no benchmark reported {counter}"


def test_smoke_run_shows_eager_memory_growing_and_lazy_memory_flat(smoke_run):
    out, _ = smoke_run
    document = json.loads((out / "latest" / "results.json").read_text())
    peak = {entry["run_name"]: entry["heap_peak_bytes"] for entry in document["benchmarks"]}
    assert peak["generators/sum_plus_one/eager_vector/n:2000000/pages:cold"] >= 16_000_000
    for lazy in ("coroutine_generator", "iterator", "ranges_view", "callback"):
        assert peak[f"generators/sum_plus_one/{lazy}/n:2000000"] <= 1024
        assert peak[f"generators/sum_plus_one/{lazy}/n:2000000"] == peak[f"generators/sum_plus_one/{lazy}/n:1000"]
    cold = next(e for e in document["benchmarks"] if e["run_name"].endswith("eager_vector/n:2000000/pages:cold"))
    warm = next(e for e in document["benchmarks"] if e["run_name"].endswith("eager_vector/n:2000000/pages:warm"))
    assert cold["page_faults"] > 1000 > warm["page_faults"], "cold pages fault on first touch, warm ones do not"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--family", "nosuchfamily"], "unknown family 'nosuchfamily'"),
        (["--filter", "matches-nothing-at-all"], "no benchmark matches --filter 'matches-nothing-at-all'"),
        (["--filter", "(unclosed"], "is not a regular expression"),
    ],
)
def test_bad_selection_is_one_line_and_exit_2(tmp_path, args, message):
    done = yieldbench("run", "--profile", "smoke", "--out", str(tmp_path), *args)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if not line.startswith("yieldbench: building")]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "latest").exists()


@pytest.mark.parametrize(
    "regex, expected",
    [
        ("^generators/sum_plus_one/iterator/n:1000$", ["generators/sum_plus_one/iterator/n:1000"]),
        (
            "sum_plus_one/eager_vector/n:1000/pages:(cold|warm)$",
            [
                "generators/sum_plus_one/eager_vector/n:1000/pages:cold",
                "generators/sum_plus_one/eager_vector/n:1000/pages:warm",
            ],
        ),
    ],
)
def test_a_filter_matches_the_names_as_shown(tmp_path, regex, expected):
    """Google Benchmark's own names end in a hidden /real_time; a filter must not need to know that."""
    done = yieldbench("run", "--profile", "smoke", "--family", "generators", "--filter", regex, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    results = ybresults.load(tmp_path / "latest" / "results.json")
    assert sorted(results.benchmarks) == expected


def test_bad_arguments_exit_2():
    assert yieldbench("run", "--repetitions", "0").returncode == 2
    assert yieldbench("run", "--profile", "huge").returncode == 2
    assert yieldbench("nosuchcommand").returncode == 2


def test_report_command_reads_a_run_and_rejects_a_missing_file(smoke_run, tmp_path):
    out, _ = smoke_run
    done = yieldbench("report", str(out / "latest" / "results.json"), "--out", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again" / "index.html").is_file()
    missing = yieldbench("report", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", [[], ["run"], ["test"], ["list"], ["report"]])
def test_every_command_has_help(command):
    done = yieldbench(*command, "--help")
    assert done.returncode == 0
    assert "usage: yieldbench" in done.stdout


def test_list_describes_every_generators_workload_and_implementation():
    done = yieldbench("list", "--family", "generators")
    assert done.returncode == 0, done.stderr
    for name in (
        "sum_plus_one",
        "fibonacci_take",
        "csv_prices",
        "pipeline_first",
        "eager_vector",
        "coroutine_generator",
        "iterator",
        "ranges_view",
        "callback",
        "fiber_generator",
    ):
        line = next((line for line in done.stdout.splitlines() if line.strip().startswith(name + " ")), None)
        assert line and len(line.split(None, 1)[1]) > 20, f"{name} needs a one-line description"


def test_two_runs_land_in_the_history_and_the_report_draws_their_trends(smoke_run):
    """The history's acceptance: after two runs `history list` shows both and the report draws their trends."""
    out, _ = smoke_run
    second = yieldbench(
        "run", "--profile", "smoke", "--family", "generators", "--filter", "sum_plus_one", "--out", str(out)
    )
    assert second.returncode == 0, second.stderr[-3000:]
    assert "yieldbench: history: recorded as run 2" in second.stderr
    listed = yieldbench("history", "list", "--history", str(out / "history.sqlite"))
    assert listed.returncode == 0 and "2 run(s)" in listed.stdout, listed.stdout + listed.stderr
    page = (out / "latest" / "report" / "index.html").read_text()
    assert '<h2 id="history">History</h2>' in page and "2 runs of machine class" in page
    assert list((out / "latest" / "report" / "history").glob("trend-generators-*.png"))


def test_the_full_profiles_cases_are_left_out_of_shorter_profiles_and_said(tmp_path):
    """io's 10,000-connection cases cost seconds of connecting a process: quick and smoke leave them out and
    say so; a filter that selects only them says to use --profile full."""
    listed = subprocess.run(
        [str(REPO_ROOT / "build" / "release" / "bin" / "yb_io"), "--yb_list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    full_only = [line.split("\t")[1] for line in listed if line.startswith("full_profile_only\t")]
    assert full_only and all("/conns:10000/" in name for name in full_only)
    assert "io/echo_unix/epoll/conns:10000/msg:64/trigger:level" in full_only
    assert "io/echo_unix/epoll/conns:1024/msg:64/trigger:level" not in full_only

    only = yieldbench(
        "run", "--profile", "quick", "--out", str(tmp_path), "--filter", "^io/echo_unix/epoll/conns:10000/msg:64/"
    )
    assert only.returncode == 2, only.stderr[-2000:]
    assert "measured by the full profile only (add --profile full)" in only.stderr.splitlines()[-1]

    done = yieldbench(
        "run",
        "--profile",
        "smoke",
        "--family",
        "io",
        "--out",
        str(tmp_path),
        "--history",
        "off",
        "--filter",
        "^io/echo_unix/epoll/conns:(1024|10000)/msg:64/trigger:level$",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 more are the full profile's (--profile full)" in done.stderr + done.stdout
    results = ybresults.load(tmp_path / "latest" / "results.json")
    assert sorted(results.benchmarks) == ["io/echo_unix/epoll/conns:1024/msg:64/trigger:level"]
