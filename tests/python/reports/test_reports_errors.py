"""Bad input and unusable output folders: exit 2, exactly one line on stderr naming the file and the
problem, no traceback, and nothing already in the output folder removed or changed."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import reports
from reports_testlib import fixture

PREFIX = "yieldbench report: "


def bad_inputs(tmp: Path):
    empty = tmp / "empty.json"
    empty.write_text("")
    array = tmp / "array.json"
    array.write_text("[1, 2]")
    binary = tmp / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    folder = tmp / "folder.json"
    folder.mkdir()
    return {
        "missing": (tmp / "nope.json", "no such file"),
        "not JSON": (fixture("not_json.json"), "not JSON (line 1, column 1"),
        "truncated": (fixture("truncated.json"), "truncated JSON (line 8)"),
        "no benchmarks": (fixture("no_benchmarks.json"), 'no "benchmarks" array'),
        "not yieldbench names": (fixture("not_yieldbench.json"), "no yieldbench-named benchmarks"),
        "empty file": (empty, "empty file"),
        "JSON array": (array, "top level is an array"),
        "binary": (binary, "not UTF-8"),
        "folder": (folder, "is a folder"),
    }


CASES = [
    "missing",
    "not JSON",
    "truncated",
    "no benchmarks",
    "not yieldbench names",
    "empty file",
    "JSON array",
    "binary",
    "folder",
]


def existing_report(tmp: Path) -> Path:
    out = tmp / "report"
    out.mkdir()
    (out / "index.html").write_text("<p>the previous report</p>")
    return out


def check_one_line(err: str, path, problem: str):
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{PREFIX}{path}: "), lines[0]
    assert problem in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("case", CASES)
def test_bad_input_one_line_exit_2_nothing_touched(case, tmp_path, capsys):
    path, problem = bad_inputs(tmp_path)[case]
    out = existing_report(tmp_path)
    rc = reports.main([str(path), "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 2
    check_one_line(captured.err, path, problem)
    assert captured.out == ""
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    assert (out / "index.html").read_text() == "<p>the previous report</p>"


def test_bad_second_file_writes_nothing(tmp_path, capsys):
    out = tmp_path / "fresh"
    rc = reports.main([str(fixture("quick_reps.json")), str(fixture("truncated.json")), "--out", str(out)])
    assert rc == 2
    check_one_line(capsys.readouterr().err, fixture("truncated.json"), "truncated JSON")
    assert not out.exists()


def test_truncated_mid_token(tmp_path, capsys):
    text = fixture("errored.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"real_time": 38.0') + len('"real_time": 3')])
    assert reports.main([str(cut), "--out", str(tmp_path / "r")]) == 2
    check_one_line(capsys.readouterr().err, cut, "truncated JSON (line 5)")


def test_output_folder_is_a_file(tmp_path, capsys):
    target = tmp_path / "report"
    target.write_text("not a folder")
    assert reports.main([str(fixture("errored.json")), "--out", str(target)]) == 2
    check_one_line(capsys.readouterr().err, target, "output folder is a file")
    assert target.read_text() == "not a folder"


def test_output_folder_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    target = blocker / "report"
    assert reports.main([str(fixture("errored.json")), "--out", str(target)]) == 2
    check_one_line(capsys.readouterr().err, target, "cannot create output folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_folder_not_writable(tmp_path, capsys):
    out = existing_report(tmp_path)
    out.chmod(0o555)
    try:
        assert reports.main([str(fixture("errored.json")), "--out", str(out)]) == 2
    finally:
        out.chmod(0o755)
    check_one_line(capsys.readouterr().err, out, "not writable")
    assert (out / "index.html").read_text() == "<p>the previous report</p>"


def test_read_only_file_system(tmp_path, capsys):
    """/proc/1 is a folder nobody (root included) can create files in."""
    assert reports.main([str(fixture("errored.json")), "--out", "/proc/1"]) == 2
    check_one_line(capsys.readouterr().err, "/proc/1", "not writable")


def test_usage_error_is_one_line(capsys):
    assert reports.main([]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(PREFIX) and "RESULTS.json" in err


def test_command_line_error_has_no_traceback(tmp_path):
    root = Path(reports.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "reports", str(fixture("truncated.json")), "--out", str(tmp_path / "r")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"{PREFIX}{fixture('truncated.json')}: truncated JSON (line 8)\n"
