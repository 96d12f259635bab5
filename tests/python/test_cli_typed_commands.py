"""Commands take typed options and call each other through them: every command's options come from its own
parser, `ci` runs the tests and the suite through test_cmd.Options and run.Options, and `yieldbench ci`
works end to end the way the CI workflow calls it (no --results)."""
import dataclasses
import json
import pathlib
import subprocess

import pytest

from ybcli import __main__ as cli
import ybgate
from ybcli import ci_cmd, run, test_cmd
from ybcli.errors import UsageError

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")


def yieldbench(*args, timeout=900):
    return subprocess.run([YIELDBENCH, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--family", "generators,coroutines", "--timeout", "30"],
        ["test", "--pytest-args", "-k 'a b'"],
        ["list"],
        ["compare", "a.json", "b.json", "--threshold", "5%"],
        ["baseline", "save", "r.json"],
        ["baseline", "show", "--measure", "time"],
        ["ci", "--family", "generators", "--alpha", "0.01"],
        ["profile", "generators/x/y/n:1", "--tool", "perf"],
        ["history", "list", "--limit", "3"],
        ["history", "trend", "a/b/c", "x/y/z", "--counter", "heap_allocs"],
        ["history", "export", "--format", "json", "--shape", "bencher"],
        ["bisect", "--good", "A", "--bad", "B", "--benchmark", "a/b/c", "--threshold", "3%"],
    ],
)
def test_every_command_builds_its_typed_options_from_its_own_parser(argv):
    args = cli.parser().parse_args(argv)
    opts = args.module.options_from(args)
    assert dataclasses.is_dataclass(opts) and not isinstance(opts, type)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(opts, dataclasses.fields(opts)[0].name, None)


def test_options_split_families_and_parse_quoted_arguments():
    args = cli.parser().parse_args(["run", "--family", "generators,coroutines", "--family", "io"])
    assert run.options_from(args).family == ("generators", "coroutines", "io")
    args = cli.parser().parse_args(["test", "--pytest-args", "-k 'a b'"])
    assert test_cmd.options_from(args).pytest_args == ("-k", "a b")


def test_bad_options_fail_when_the_options_are_made_not_minutes_later():
    with pytest.raises(UsageError, match="unknown family 'nope'"):
        run.Options(family=("nope",))
    with pytest.raises(UsageError, match="not a regular expression"):
        ci_cmd.Options(filter="(").run_options()


def test_ci_runs_the_tests_through_their_options_and_stops_when_they_fail(monkeypatch, tmp_path):
    called = []

    def failing_tests(opts):
        called.append(opts)
        return 1

    def no_run(opts):
        raise AssertionError("the suite must not run after failed tests")

    monkeypatch.setattr(test_cmd, "execute", failing_tests)
    monkeypatch.setattr(run, "execute", no_run)
    assert ci_cmd.execute(ci_cmd.Options(out=tmp_path)) == 1
    assert called == [test_cmd.Options()]


def test_ci_hands_its_choices_to_the_run(monkeypatch, tmp_path):
    seen = []

    def interrupted_run(opts):
        seen.append(opts)
        return 130

    monkeypatch.setattr(run, "execute", interrupted_run)
    opts = ci_cmd.Options(family=("generators",), filter="sum", skip_tests=True, out=tmp_path)
    assert ci_cmd.execute(opts) == 130, "an interrupted run is not judged"
    assert seen == [
        run.Options(family=("generators",), filter="sum", profile="quick", repetitions=5, measure="time", out=tmp_path)
    ]


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory):
    """`yieldbench ci` as the CI workflow calls it, narrowed to a few benchmarks; tests skipped (they are this
    suite), no baseline for its machine class in a fresh results folder's checkout."""
    out = tmp_path_factory.mktemp("ci")
    done = yieldbench("ci", "--skip-tests", "--family", "generators", "--filter", "sum_plus_one", "--out", out)
    return out, done


def test_ci_without_results_runs_the_suite_and_writes_its_gate_summary(ci_run):
    out, done = ci_run
    assert done.returncode == 0, done.stderr[-3000:]
    results = out / "latest" / "results.json"
    document = json.loads(results.read_text())
    assert document["yieldbench"]["repetitions"] == ci_cmd.CI_REPETITIONS
    assert {entry["run_name"].split("/")[1] for entry in document["benchmarks"]} == {"sum_plus_one"}
    summary = (results.parent / "gate" / "summary.md").read_text()
    assert summary.startswith("## Regression gate: no baseline")
    assert "yieldbench: step 2/4: quick run (time)" in done.stderr


def test_ci_judges_a_new_run_against_a_saved_baseline(ci_run, tmp_path):
    out, _ = ci_run
    saved = yieldbench(
        "baseline", "save", out / "latest" / "results.json", "--dir", tmp_path, "--machine-class", "test"
    )
    assert saved.returncode == 0, saved.stderr
    baseline = tmp_path / "time-test.json"
    # A threshold no change on this machine reaches: the verdicts can only be unchanged or noisy.
    done = yieldbench(
        "ci",
        "--skip-tests",
        "--family",
        "generators",
        "--filter",
        "sum_plus_one/(iterator|callback)",
        "--out",
        out,
        "--baseline",
        baseline,
        "--threshold",
        "900%",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    gate = (out / "latest" / "gate" / "summary.md").read_text()
    assert gate.startswith("## Regression gate: PASS") and "sum_plus_one/iterator/n:1000" in gate
    assert "missing" in gate.lower(), "the baseline's other implementations are listed as missing"
    assert (out / "latest" / "gate" / "report" / "index.html").is_file()


def test_ci_base_measures_both_sides_alternately_in_separate_processes(tmp_path):
    # HEAD against the checkout: in a clean clone both sides are the same build (an A/A gate); a threshold no
    # change here reaches keeps the verdict deterministic. The statistics are tested in test_gate_verdict.py.
    done = yieldbench(
        "ci",
        "--base",
        "HEAD",
        "--skip-tests",
        "--family",
        "generators",
        "--filter",
        "sum_plus_one/iterator/n:1000$",
        "--rounds",
        "2",
        "--threshold",
        "900%",
        "--out",
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run_dir = (tmp_path / "latest").resolve()
    assert run_dir.name.endswith("-ab")
    for side in (run_dir / "base" / "results.json", run_dir / "results.json"):
        entries = [e for e in json.loads(side.read_text())["benchmarks"] if e["run_type"] == "iteration"]
        assert {e["run_name"] for e in entries} == {"generators/sum_plus_one/iterator/n:1000"}
        assert sorted({e["process_index"] for e in entries}) == [0, 1], "two processes a side"
        assert len(entries) == 2 * ci_cmd.CI_REPETITIONS
    summary = (run_dir / "gate" / "summary.md").read_text()
    assert "mode **ab**" in summary and "## Regression gate: PASS" in summary
    comment = (run_dir / "gate" / "comment.md").read_text()
    assert comment.startswith(ybgate.render.COMMENT_MARKER) and len(comment) <= ybgate.render.COMMENT_LIMIT
    assert "[4/4] round 2/2" in done.stderr, "progress with the time left"
