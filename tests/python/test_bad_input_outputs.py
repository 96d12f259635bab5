"""Output folders and files that cannot be written: a file where a folder should be, a path below a file,
read-only places. These tests run as root in CI, where a chmod'ed folder is still writable, so the
read-only places are kernel file systems that refuse everyone: /proc/1 (exists, no new files),
/proc/self/<new> (cannot be created) and /sys/kernel/<new> (EPERM). Each answer is exit 2 and one line,
said before any work where possible, and whatever was already written stays."""
import errno
import os
import json
import pathlib

import pytest

import reports
from test_bad_input import GOOD, assert_one_line_error, files_under
from ybcli import build, families, paths, profile
from ybcli.__main__ import main
from ybcli.errors import SetupError

READ_ONLY = {"/proc/1": "not writable", "/proc/self/yieldbench-out": "cannot", "/sys/kernel/yieldbench-out": "cannot"}


@pytest.fixture(autouse=True)
def no_build(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("reached bootstrap or build: the output was not checked first")

    monkeypatch.setattr(build, "bootstrap", refuse)
    monkeypatch.setattr(build, "build", refuse)


@pytest.fixture
def a_file(tmp_path) -> pathlib.Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


# ------------------------------------------------------------------------------------------------ report


@pytest.mark.parametrize(
    "where, needle",
    [("file", "output folder is a file"), ("below a file", "cannot create output folder"), *READ_ONLY.items()],
)
def test_report_out_that_cannot_be_written(where, needle, a_file, capsys):
    out = {"file": a_file, "below a file": a_file / "report"}.get(where, pathlib.Path(where))
    assert reports.main([str(GOOD), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"yieldbench report: {out}: ") and needle in err, err
    assert a_file.read_text() == "not a folder"


def test_report_whose_write_fails_midway_keeps_the_previous_files(tmp_path, capsys):
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("<p>the previous report</p>")
    (out / "notes.txt").write_text("a user's own file")
    (out / "summary.md").mkdir()  # summary.md cannot be written: the write fails after the charts are drawn
    (out / "summary.md" / "keep").write_text("x")
    assert reports.main([str(GOOD), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{out / 'summary.md'}: cannot write" in err, err
    assert (out / "index.html").read_text() == "<p>the previous report</p>"
    assert (out / "notes.txt").read_text() == "a user's own file" and (out / "summary.md" / "keep").exists()
    assert not [path.name for path in out.iterdir() if path.name.endswith(".tmp")], "no temporary file left"


# ----------------------------------------------------------------------------------------------- compare


@pytest.mark.parametrize(
    "where, needle",
    [
        ("folder", "is a folder, not a file"),
        ("below a file", "is a file, not a folder"),
        ("/proc/self/gate.md", "cannot write there"),
        ("/sys/kernel/gate.md", "cannot write there"),
    ],
)
def test_compare_markdown_that_cannot_be_written_is_refused_before_comparing(where, needle, tmp_path, a_file, capsys):
    path = {"folder": tmp_path, "below a file": a_file / "gate.md"}.get(where, pathlib.Path(where))
    assert main(["compare", str(GOOD), str(GOOD), "--markdown", str(path)]) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured.err, "compare", f"--markdown {path}", needle)
    assert captured.out == "", "refused before any verdict"


@pytest.mark.parametrize("where, needle", [("file", "output folder is a file"), ("/proc/1", "not writable")])
def test_compare_report_folder_that_cannot_be_written_is_refused_before_comparing(where, needle, a_file, capsys):
    out = a_file if where == "file" else pathlib.Path(where)
    assert main(["compare", str(GOOD), str(GOOD), "--report", str(out)]) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured.err, "compare", f"--report {out}", needle)
    assert captured.out == ""


def test_compare_with_a_bad_file_makes_no_report_folder(tmp_path, capsys):
    truncated = tmp_path / "truncated.json"
    truncated.write_text(GOOD.read_text()[:100])
    out = tmp_path / "report"
    assert (
        main(["compare", str(GOOD), str(truncated), "--report", str(out), "--markdown", str(tmp_path / "gate.md")]) == 2
    )
    assert_one_line_error(capsys.readouterr().err, "compare", truncated, "truncated JSON")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["truncated.json"]


# ---------------------------------------------------------------------------------------------- baseline


@pytest.mark.parametrize(
    "where, needle",
    [
        ("file", "is a file, not a folder"),
        ("below a file", "is a file, not a folder"),
        ("/proc/1", "cannot write the baseline"),
    ],
)
def test_baseline_save_into_a_folder_that_cannot_be_written(where, needle, a_file, capsys):
    folder = {"file": a_file, "below a file": a_file / "baselines"}.get(where, pathlib.Path(where))
    assert main(["baseline", "save", str(GOOD), "--dir", str(folder), "--machine-class", "test"]) == 2
    assert_one_line_error(capsys.readouterr().err, "baseline", needle)
    assert a_file.read_text() == "not a folder"


def test_a_failed_baseline_write_keeps_the_previous_baseline(tmp_path, capsys, monkeypatch):
    previous = tmp_path / "time-test.json"
    previous.write_text('{"the": "previous baseline"}')

    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)  # the new baseline's bytes cannot reach the disk
    assert main(["baseline", "save", str(GOOD), "--dir", str(tmp_path), "--machine-class", "test"]) == 2
    assert_one_line_error(capsys.readouterr().err, "baseline", f"cannot write the baseline {previous}")
    assert json.loads(previous.read_text()) == {"the": "previous baseline"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["time-test.json"], "no temporary file is left"


def test_baseline_show_of_a_file_is_one_line(a_file, capsys):
    assert main(["baseline", "show", "--dir", str(a_file)]) == 2
    assert_one_line_error(capsys.readouterr().err, "baseline", f"--dir {a_file}: is a file")


# ---------------------------------------------------------------------------------------------------- ci


@pytest.mark.parametrize(
    "where, needle",
    [
        ("file", "is a file, not a results folder"),
        ("/proc/1", "cannot create a run folder there"),
        ("/sys/kernel/yieldbench-results", "cannot create a run folder there"),
    ],
)
def test_ci_out_that_cannot_hold_a_run_is_refused_before_the_tests(where, needle, a_file, capsys):
    out = a_file if where == "file" else pathlib.Path(where)
    assert main(["ci", "--out", str(out)]) == 2  # the held build would fail the test if the tests had started
    assert_one_line_error(capsys.readouterr().err, "ci", f"--out {out}", needle)


def test_ci_gate_folder_that_is_a_file_is_one_line_and_keeps_the_results(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    results = run / "results.json"
    results.write_bytes(GOOD.read_bytes())
    (run / "gate").write_text("in the way")
    assert main(["ci", "--results", str(results), "--baseline", str(GOOD)]) == 2
    assert_one_line_error(capsys.readouterr().err, "ci", f"{run / 'gate'} is a file, not a folder")
    assert results.read_bytes() == GOOD.read_bytes() and (run / "gate").read_text() == "in the way"


# --------------------------------------------------------------------------------------------------- run


@pytest.fixture
def previous_run(tmp_path) -> pathlib.Path:
    """A results folder as an earlier run left it: one run and `latest` pointing at it."""
    out = tmp_path / "results"
    (out / "20260101-000000-quick").mkdir(parents=True)
    (out / "20260101-000000-quick" / "results.json").write_bytes(GOOD.read_bytes())
    (out / "latest").symlink_to("20260101-000000-quick")
    return out


def test_a_failed_run_leaves_latest_and_earlier_runs_alone(previous_run, monkeypatch, capsys):
    monkeypatch.setattr(build, "bootstrap", lambda *a, **k: None)
    monkeypatch.setattr(build, "build", lambda *a, **k: None)
    before = files_under(previous_run)
    assert main(["run", "--out", str(previous_run), "--family", "nosuchfamily"]) == 2
    assert_one_line_error(capsys.readouterr().err, "run", "unknown family 'nosuchfamily'")
    assert files_under(previous_run) == before
    assert (previous_run / "latest").resolve() == (previous_run / "20260101-000000-quick").resolve()


@pytest.mark.skipif(
    not (paths.bin_dir("release") / "yb_generators").exists(),
    reason="run checks --out after building: needs build/release/bin/yb_generators "
    "(`scripts/yieldbench test` builds it before pytest)",
)
def test_run_out_below_a_file_is_one_line_before_any_benchmark(a_file, monkeypatch, capsys):
    monkeypatch.setattr(build, "bootstrap", lambda *a, **k: None)
    monkeypatch.setattr(build, "build", lambda *a, **k: None)
    status = main(
        [
            "run",
            "--family",
            "generators",
            "--filter",
            "^generators/sum_plus_one/iterator/n:1000$",
            "--out",
            str(a_file / "results"),
        ]
    )
    captured = capsys.readouterr()
    assert status == 2
    assert_one_line_error(captured.err, "run", "cannot create a run folder there")
    assert "[1/" not in captured.out, "no benchmark ran"


# ----------------------------------------------------------------------------------------------- profile


@pytest.fixture
def fake_family(monkeypatch, tmp_path):
    """One listed benchmark and no build or profiler: what is tested is where the profile goes."""
    executable = tmp_path / "yb_fake"
    executable.write_text("#!/bin/sh\necho generators/sum/iterator/n:10\n")
    executable.chmod(0o755)
    monkeypatch.setattr(families, "executables", lambda preset="release": {"generators": executable})
    monkeypatch.setattr(profile, "check_tool", lambda tool: None)


def test_profile_out_below_a_file_is_one_line(fake_family, a_file, capsys):
    assert (
        main(
            [
                "profile",
                "generators/sum/iterator/n:10",
                "--tool",
                "callgrind",
                "--no-build",
                "--out",
                str(a_file / "profiles"),
            ]
        )
        == 2
    )
    assert_one_line_error(
        capsys.readouterr().err, "profile", "cannot create the output folder", f"{a_file} is a file, not a folder"
    )


def test_a_failed_profile_restores_the_previous_one(fake_family, monkeypatch, tmp_path, capsys):
    previous = tmp_path / "profiles" / "generators_sum_iterator_n-10" / "callgrind"
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("the previous profile")

    def failing_tool(selection, out_dir, args, modifier):
        (out_dir / "callgrind.out").write_text("half a profile")
        raise SetupError("callgrind ended with exit status 1")

    monkeypatch.setattr(profile, "profile_callgrind", failing_tool)
    assert (
        main(
            [
                "profile",
                "generators/sum/iterator/n:10",
                "--tool",
                "callgrind",
                "--no-build",
                "--out",
                str(tmp_path / "profiles"),
            ]
        )
        == 2
    )
    assert_one_line_error(capsys.readouterr().err, "profile", "callgrind ended with exit status 1")
    assert files_under(previous.parent) == {"callgrind/index.html": b"the previous profile"}
