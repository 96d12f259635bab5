"""yieldbench baseline save|show and yieldbench ci on a given results file (no build, no run)."""
import json
import pathlib
import subprocess

import pytest

from test_gate_compare import QUIET, document, write
from ybcli import baseline_cmd
from ybcli.__main__ import main

GB_COMPARE = pathlib.Path("/usr/share/benchmark/compare.py")

FIXTURES = pathlib.Path(__file__).parent / "gate_fixtures"


def results_dir(tmp_path, name: str, doc: dict) -> pathlib.Path:
    """A run folder as `yieldbench run` leaves it: <dir>/results.json."""
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "results.json"
    path.write_text(json.dumps(doc))
    return path


def test_machine_class_from_the_environment_or_the_context(monkeypatch):
    monkeypatch.delenv(baseline_cmd.ENV_CLASS, raising=False)
    assert baseline_cmd.machine_class({"num_cpus": 2, "hypervisor": "KVMKVMKVM"}) == "2cpu-kvm"
    assert baseline_cmd.machine_class({"num_cpus": 16}) == "16cpu-metal"
    monkeypatch.setenv(baseline_cmd.ENV_CLASS, "GitHub ubuntu-latest")
    assert baseline_cmd.machine_class({"num_cpus": 2}) == "github-ubuntu-latest"
    assert baseline_cmd.machine_class({}, "mine") == "mine"


def test_saved_baseline_is_small_and_compares_like_the_results(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(baseline_cmd.ENV_CLASS, raising=False)
    source = FIXTURES / "base.json"
    assert main(["baseline", "save", str(source), "--dir", str(tmp_path), "--machine-class", "2cpu-kvm"]) == 0
    saved = tmp_path / "time-2cpu-kvm.json"
    assert saved.exists() and saved.stat().st_size < source.stat().st_size / 2
    stored = json.loads(saved.read_text())
    assert stored["yieldbench"]["measure"] == "time" and stored["context"]["compiler"]
    assert set(stored["benchmarks"][0]) <= set(baseline_cmd.KEPT_FIELDS)
    capsys.readouterr()
    # The same verdicts from the baseline as from the full file it came from.
    assert main(["compare", str(saved), str(FIXTURES / "new.json")]) == 1
    from_baseline = capsys.readouterr().out.splitlines()[3:]
    assert main(["compare", str(source), str(FIXTURES / "new.json")]) == 1
    from_results = capsys.readouterr().out.splitlines()[3:]
    assert from_baseline == from_results
    assert main(["baseline", "show", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 benchmarks, measure time" in out and "generators/sum_plus_one/iterator/n:1000  1001 ns" in out


def test_baseline_save_refuses_bad_input(tmp_path, capsys):
    assert main(["baseline", "save", str(tmp_path / "absent.json"), "--dir", str(tmp_path)]) == 2
    partial = document({"g/w/a/n:1": QUIET})
    partial["yieldbench"]["partial"] = True
    assert main(["baseline", "save", write(tmp_path, "p.json", partial), "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "no such file" in err[0] and "partial run" in err[1]
    assert not list(tmp_path.glob("time-*.json"))


def test_baseline_show_without_baselines_says_how_to_make_one(tmp_path, capsys):
    assert main(["baseline", "show", "--dir", str(tmp_path / "none")]) == 0
    assert "yieldbench baseline save" in capsys.readouterr().out


def test_ci_without_a_baseline_passes_and_says_so(tmp_path, capsys):
    results = results_dir(tmp_path, "run", document({"g/w/a/n:1": QUIET}))
    assert main(["ci", "--results", str(results), "--baseline", str(tmp_path / "absent.json")]) == 0
    assert "yieldbench baseline save" in capsys.readouterr().out
    assert "no baseline" in (results.parent / "gate" / "summary.md").read_text()


def test_ci_exit_status_is_the_gates(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step_summary.md"))
    baseline = write(tmp_path, "baseline.json", document({"g/w/a/n:1": QUIET}))
    slower = results_dir(tmp_path, "slower", document({"g/w/a/n:1": [value * 1.10 for value in QUIET]}))
    same = results_dir(tmp_path, "same", document({"g/w/a/n:1": QUIET}))
    assert main(["ci", "--results", str(slower), "--baseline", baseline]) == 1
    assert "**REGRESSION**" in (slower.parent / "gate" / "summary.md").read_text()
    assert main(["ci", "--results", str(same), "--baseline", baseline]) == 0
    assert "PASS" in (same.parent / "gate" / "summary.md").read_text()
    assert (tmp_path / "step_summary.md").read_text().count("## Regression gate") == 2


def test_ci_save_baseline_writes_the_given_baseline_file(tmp_path, capsys):
    results = results_dir(tmp_path, "run", document({"g/w/a/n:1": QUIET}))
    baseline = tmp_path / "baselines" / "time-mine.json"
    assert main(["ci", "--results", str(results), "--baseline", str(baseline), "--save-baseline"]) == 0
    assert baseline.exists()
    assert main(["ci", "--results", str(results), "--baseline", str(baseline)]) == 0
    assert "PASS: 1 benchmarks compared (1 unchanged)" in capsys.readouterr().out


def test_gate_commands_have_help(capsys):
    for command in (["compare"], ["baseline"], ["baseline", "save"], ["ci"]):
        with __import__("pytest").raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0
        assert "usage: yieldbench" in capsys.readouterr().out


@pytest.mark.skipif(not GB_COMPARE.exists(), reason=f"{GB_COMPARE} (Debian libbenchmark-tools) is not installed")
def test_a_time_baseline_is_read_by_google_benchmarks_compare_py(tmp_path, monkeypatch):
    monkeypatch.delenv(baseline_cmd.ENV_CLASS, raising=False)
    assert main(["baseline", "save", str(FIXTURES / "base.json"), "--dir", str(tmp_path), "--machine-class", "t"]) == 0
    saved = tmp_path / "time-t.json"
    done = subprocess.run(
        ["/usr/bin/python3", str(GB_COMPARE), "-d", str(tmp_path / "out.json"), "benchmarks", str(saved), str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    compared = json.loads((tmp_path / "out.json").read_text())
    assert {row["name"] for row in compared} >= {"generators/sum_plus_one/iterator/n:1000"}
