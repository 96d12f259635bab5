"""Bad results files, given to every command that reads one: compare (either side), baseline save,
ci --results and report. Each answer is exit status 2, one line on stderr that starts with the command
and names the file and the problem, no traceback, and nothing written or removed.

The other bad-input tests (arguments, output folders, contexts, machine limits) are in the
test_bad_input_*.py files beside this one and use the helpers here."""
import json
import os
import pathlib
import subprocess

import pytest

import reports
from ybcli.__main__ import main

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")
GOOD = pathlib.Path(__file__).parent / "gate_fixtures" / "base.json"

# What a plain Google Benchmark binary writes: its own context, names that are not family/workload/implementation.
PLAIN_GOOGLE_BENCHMARK = {
    "context": {
        "date": "2026-01-01T00:00:00+00:00",
        "host_name": "x",
        "executable": "./bm_foo",
        "num_cpus": 8,
        "mhz_per_cpu": 3000,
        "cpu_scaling_enabled": False,
        "caches": [],
        "library_build_type": "release",
    },
    "benchmarks": [
        {
            "name": "BM_Foo/8",
            "run_name": "BM_Foo/8",
            "run_type": "iteration",
            "repetitions": 1,
            "repetition_index": 0,
            "threads": 1,
            "iterations": 1000,
            "real_time": 10.0,
            "cpu_time": 10.0,
            "time_unit": "ns",
        }
    ],
}


def error_lines(stderr: str) -> list:
    """stderr without the progress lines commands print as they go ('yieldbench: step 3/4 ...')."""
    return [line for line in stderr.splitlines() if not line.startswith("yieldbench: ")]


def assert_one_line_error(stderr: str, command: str, *needles) -> str:
    """The error is exactly one line, said by `command`, containing every needle, and no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"yieldbench {command}: "), lines[0]
    for needle in needles:
        assert str(needle) in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]


def yieldbench(*args, timeout=120):
    """The command as users run it: a real process, whose stderr shows any traceback."""
    return subprocess.run([YIELDBENCH, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)


def files_under(folder: pathlib.Path) -> dict:
    """{relative path: bytes} of every file below `folder`: to show that nothing was written or removed."""
    if not folder.exists():
        return {}
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _write(path: pathlib.Path, content) -> pathlib.Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def _truncated(path: pathlib.Path) -> pathlib.Path:
    text = GOOD.read_text()
    return _write(path, text[: len(text) // 2])  # a results file cut in half, as a crash mid-write leaves it


def _folder(path: pathlib.Path) -> pathlib.Path:
    path.mkdir()
    return path


# case -> (makes the bad file in a folder, what every command says: one reader, ybresults, says it)
CASES = {
    "missing": (lambda tmp: tmp / "absent.json", "no such file"),
    "folder": (lambda tmp: _folder(tmp / "folder.json"), "is a folder"),
    # Root reads any file whatever its mode; /proc/self/mem refuses reading at offset 0 (EIO) to root too.
    "unreadable": (lambda tmp: pathlib.Path("/proc/self/mem"), "cannot read"),
    "empty": (lambda tmp: _write(tmp / "empty.json", ""), "empty file"),
    "malformed": (lambda tmp: _write(tmp / "malformed.json", "this is not {json"), "not JSON (line 1"),
    "truncated": (lambda tmp: _truncated(tmp / "truncated.json"), "truncated JSON"),
    "not UTF-8": (lambda tmp: _write(tmp / "binary.json", b"\x89PNG\r\n\x1a\n\x00\xff"), "not UTF-8"),
    "JSON array": (lambda tmp: _write(tmp / "array.json", "[]"), "top level is an array"),
    "JSON null": (lambda tmp: _write(tmp / "null.json", "null"), "top level is null"),
    "other JSON object": (lambda tmp: _write(tmp / "foo.json", '{"foo": 1}'), 'no "benchmarks" array'),
    "benchmarks not a list": (
        lambda tmp: _write(tmp / "dict.json", '{"benchmarks": {}}'),
        '"benchmarks" is not an array',
    ),
    "nested too deeply": (lambda tmp: _write(tmp / "deep.json", "[" * 100_000), "nested too deeply"),
    "no benchmarks": (
        lambda tmp: _write(tmp / "none.json", {"context": {}, "benchmarks": []}),
        '"benchmarks" array is empty',
    ),
    "plain Google Benchmark": (
        lambda tmp: _write(tmp / "plain.json", PLAIN_GOOGLE_BENCHMARK),
        "no yieldbench-named benchmarks",
    ),
}


def _good_with(**changes) -> dict:
    document = json.loads(GOOD.read_text())
    document.update(changes)
    return document


def _first_entry_named(name) -> dict:
    document = json.loads(GOOD.read_text())
    document["benchmarks"][0]["run_name"] = name
    return document


@pytest.fixture(params=list(CASES))
def bad_file(request, tmp_path):
    make, says = CASES[request.param]
    return make(tmp_path), says


def test_compare_refuses_a_bad_new_file(bad_file, capsys):
    path, says = bad_file
    assert main(["compare", str(GOOD), str(path)]) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured.err, "compare", path, says)
    assert captured.out == "", "no verdicts printed"


def test_compare_refuses_a_bad_base_file(bad_file, capsys):
    path, says = bad_file
    assert main(["compare", str(path), str(GOOD)]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", path, says)


def test_baseline_save_refuses_a_bad_file_and_stores_nothing(bad_file, tmp_path, capsys):
    path, says = bad_file
    baselines = tmp_path / "baselines"
    assert main(["baseline", "save", str(path), "--dir", str(baselines), "--machine-class", "test"]) == 2
    assert_one_line_error(capsys.readouterr().err, "baseline", path, says)
    assert files_under(baselines) == {}


def test_ci_refuses_a_bad_results_file_and_writes_no_gate(bad_file, tmp_path, capsys):
    path, says = bad_file
    assert main(["ci", "--results", str(path), "--baseline", str(GOOD)]) == 2
    assert_one_line_error(capsys.readouterr().err, "ci", path, says)
    assert not (path.parent / "gate").exists()


@pytest.mark.parametrize("case", [case for case in CASES if case != "missing"])  # no baseline yet: ci passes, says so
def test_ci_refuses_a_bad_baseline_file(case, tmp_path, capsys):
    make, says = CASES[case]
    path = make(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    results = run / "results.json"
    results.write_bytes(GOOD.read_bytes())
    assert main(["ci", "--results", str(results), "--baseline", str(path)]) == 2
    assert_one_line_error(capsys.readouterr().err, "ci", path, says)


def test_report_refuses_a_bad_file_and_leaves_the_previous_report(bad_file, tmp_path, capsys):
    path, says = bad_file
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("<p>the previous report</p>")
    assert reports.main([str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"yieldbench report: {path}: ") and says in err, err
    assert files_under(out) == {"index.html": b"<p>the previous report</p>"}


def test_report_refuses_a_bad_second_file_before_writing_anything(bad_file, tmp_path, capsys):
    path, says = bad_file
    out = tmp_path / "fresh"
    assert reports.main([str(GOOD), str(path), "--out", str(out)]) == 2
    assert says in capsys.readouterr().err
    assert not out.exists()


# Foreign shapes inside a results file: every command refuses them the same way.
@pytest.mark.parametrize(
    "document, says",
    [
        (_good_with(context="a string"), '"context" is not an object'),
        (_good_with(yieldbench=[1]), '"yieldbench" is not an object'),
        (_first_entry_named(["a", "list"]), "benchmark entry 0 has a run_name that is not a string"),
        (_good_with(benchmarks=[1, 2]), "no yieldbench-named benchmarks"),
    ],
)
def test_every_command_refuses_foreign_shapes_inside_results(document, says, tmp_path, capsys):
    path = _write(tmp_path / "foreign.json", document)
    assert main(["compare", str(GOOD), str(path)]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", path, says)
    assert main(["baseline", "save", str(path), "--dir", str(tmp_path / "baselines")]) == 2
    assert_one_line_error(capsys.readouterr().err, "baseline", path, says)
    assert reports.main([str(path), "--out", str(tmp_path / "report")]) == 2
    assert_one_line_error(capsys.readouterr().err, "report", path, says)


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads a file whatever its mode; the 'unreadable' case " "(/proc/self/mem) stands in for it",
)
def test_a_file_without_read_permission_is_one_line(tmp_path, capsys):
    locked = tmp_path / "locked.json"
    locked.write_bytes(GOOD.read_bytes())
    locked.chmod(0)
    assert main(["compare", str(GOOD), str(locked)]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", locked, "cannot read")


# The same answers from the real command: one line on the process's stderr, no traceback, exit 2.
@pytest.mark.parametrize(
    "case, command",
    [
        ("truncated", ["compare", GOOD, "{path}"]),
        ("plain Google Benchmark", ["baseline", "save", "{path}", "--dir", "{tmp}/baselines"]),
        ("folder", ["ci", "--results", "{path}"]),
        ("JSON array", ["report", "{path}", "--out", "{tmp}/report"]),
    ],
)
def test_the_command_line_says_it_in_one_line(case, command, tmp_path):
    path = CASES[case][0](tmp_path)
    done = yieldbench(*[str(arg).format(path=path, tmp=tmp_path) for arg in command])
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"yieldbench {command[0]}: ") and str(path) in done.stderr
