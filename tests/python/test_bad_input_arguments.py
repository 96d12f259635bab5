"""Bad arguments to every command: exit 2, one line naming the problem (never argparse's usage block), no
traceback, and no build: the commands that build are held so that a test reaching a build fails instead."""
import pytest

from test_bad_input import GOOD, assert_one_line_error, yieldbench
from ybcli import build, families, profile
from ybcli.__main__ import main


@pytest.fixture(autouse=True)
def no_build(monkeypatch):
    """A bad argument must be refused before anything is installed or built."""

    def refuse(*args, **kwargs):
        raise AssertionError("reached bootstrap or build: the argument was not checked first")

    monkeypatch.setattr(build, "bootstrap", refuse)
    monkeypatch.setattr(build, "build", refuse)


def one_line(stderr: str, prefix: str, *needles) -> None:
    assert "Traceback" not in stderr and "usage:" not in stderr, stderr
    assert stderr.count("\n") == 1 and stderr.startswith(prefix), stderr
    for needle in needles:
        assert needle in stderr, f"{needle!r} not in {stderr!r}"


@pytest.mark.parametrize(
    "argv, prefix, needles",
    [
        ([], "yieldbench: ", ["required: COMMAND"]),
        (["frobnicate"], "yieldbench: ", ["invalid choice: 'frobnicate'"]),
        (["compare"], "yieldbench compare: ", ["required: BASE.json, NEW.json"]),
        (["compare", "a.json"], "yieldbench compare: ", ["required: NEW.json"]),
        (["compare", "a.json", "b.json", "c.json"], "yieldbench compare: ", ["unrecognized arguments: c.json"]),
        (["compare", "a.json", "b.json", "--alpha", "abc"], "yieldbench compare: ", ["--alpha", "'abc'"]),
        (["compare", "a.json", "b.json", "--threshold", "-5%"], "yieldbench compare: ", ["--threshold: expected one"]),
        (["baseline"], "yieldbench baseline: ", ["required: ACTION"]),
        (["baseline", "frob"], "yieldbench baseline: ", ["invalid choice: 'frob'"]),
        (["baseline", "show", "--measure", "abc"], "yieldbench baseline show: ", ["--measure", "'abc'"]),
        (["baseline", "save", "x.json", "--bogus"], "yieldbench baseline: ", ["unrecognized arguments: --bogus"]),
        (["ci", "--repetitions", "0"], "yieldbench ci: ", ["--repetitions", "at least 1, got 0"]),
        (["ci", "--repetitions=-1"], "yieldbench ci: ", ["--repetitions", "at least 1, got -1"]),
        (["ci", "--repetitions", "abc"], "yieldbench ci: ", ["--repetitions", "'abc' is not a whole number"]),
        (["ci", "--measure", "abc"], "yieldbench ci: ", ["--measure", "'abc'"]),
        (["run", "--repetitions", "0"], "yieldbench run: ", ["--repetitions", "at least 1, got 0"]),
        (["run", "--repetitions=-1"], "yieldbench run: ", ["--repetitions", "at least 1, got -1"]),
        (["run", "--repetitions", "abc"], "yieldbench run: ", ["--repetitions", "'abc'"]),
        (["run", "--profile", "huge"], "yieldbench run: ", ["--profile", "'huge'"]),
        (["run", "--measure", "abc"], "yieldbench run: ", ["--measure", "'abc'"]),
        (["test", "--bogus"], "yieldbench test: ", ["unrecognized arguments: --bogus"]),
        (["list", "--bogus"], "yieldbench list: ", ["unrecognized arguments: --bogus"]),
        (["profile"], "yieldbench profile: ", ["required: NAME_OR_REGEX, --tool"]),
        (["profile", "generators/x/y/n:1"], "yieldbench profile: ", ["required: --tool"]),
        (["profile", "x", "--tool", "gdb"], "yieldbench profile: ", ["--tool", "invalid choice: 'gdb'"]),
        (["profile", "x", "--tool", "callgrind", "--iterations", "0"], "yieldbench profile: ", ["at least 1, got 0"]),
        (
            ["profile", "x", "--tool", "callgrind", "--iterations", "abc"],
            "yieldbench profile: ",
            ["'abc' is not a whole number"],
        ),
        (["profile", "x", "--tool", "perf", "--seconds=-1"], "yieldbench profile: ", ["must be positive, got -1"]),
        (["profile", "x", "--tool", "perf", "--seconds", "nan"], "yieldbench profile: ", ["must be positive, got nan"]),
        (["profile", "x", "--tool", "perf", "--seconds", "abc"], "yieldbench profile: ", ["'abc' is not a number"]),
    ],
)
def test_argument_errors_are_one_line_exit_2(argv, prefix, needles, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    one_line(captured.err, prefix, *needles)
    assert captured.out == ""


@pytest.mark.parametrize(
    "option, needle",
    [
        (["--threshold", "abc"], "'abc' is not a threshold"),
        (["--threshold", "0"], "must be above 0"),
        (["--threshold=-5%"], "must be above 0"),
        (["--threshold", "nan"], "must be above 0"),
        (["--alpha", "3"], "--alpha must lie between 0 and 1, got 3"),
        (["--alpha", "nan"], "--alpha must lie between 0 and 1, got nan"),
    ],
)
def test_bad_gate_numbers_are_one_line(option, needle, capsys):
    assert main(["compare", str(GOOD), str(GOOD), *option]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", needle)


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "no such file"),
        ("folder", "is a folder"),
        (b"\xff\xfe\x00", "not UTF-8"),
        ("time generators\n", "thresholds:1: expected"),
        ("time * lots\n", "'lots' is not a threshold"),
    ],
)
def test_a_bad_thresholds_file_is_one_line(content, needle, tmp_path, capsys):
    path = tmp_path / "thresholds"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["compare", str(GOOD), str(GOOD), "--thresholds", str(path)]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", needle)


@pytest.mark.parametrize("command", [["list"], ["ci"]])
@pytest.mark.parametrize("family", ["nosuchfamily", "generators,nosuchfamily"])
def test_an_unknown_family_is_refused_before_building(command, family, capsys):
    assert main([*command, "--family", family]) == 2
    assert_one_line_error(
        capsys.readouterr().err,
        command[0],
        "unknown family 'nosuchfamily'",
        "known: " + ", ".join(families.source_families()),
    )


def test_families_known_before_building_are_the_checkout_s():
    assert {"generators", "coroutines", "parallelism", "io", "python"} <= set(families.source_families())


@pytest.mark.parametrize("command", [["run"], ["ci"]])
def test_a_filter_that_is_not_a_regular_expression_is_refused_before_building(command, capsys):
    assert main([*command, "--filter", "(unclosed"]) == 2
    assert_one_line_error(capsys.readouterr().err, command[0], "--filter '(unclosed' is not a regular expression")


# `run` checks the family and whether the filter matches only after building (run.py builds first):
# with the build held as a no-op, whatever the release tree has (or nothing) answers.
@pytest.mark.parametrize(
    "args, needle",
    [
        (["--family", "nosuchfamily"], "unknown family 'nosuchfamily'"),
        (["--filter", "^matches-nothing-at-all$"], "no benchmark matches --filter '^matches-nothing-at-all$'"),
    ],
)
def test_run_refuses_a_selection_of_nothing(args, needle, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build, "bootstrap", lambda *a, **k: None)
    monkeypatch.setattr(build, "build", lambda *a, **k: None)
    assert main(["run", "--out", str(tmp_path), *args]) == 2
    assert_one_line_error(capsys.readouterr().err, "run", needle)
    assert list(tmp_path.iterdir()) == [], "no run folder, no latest link"


@pytest.fixture
def fake_profile_family(monkeypatch, tmp_path):
    """A family executable that only lists two benchmarks, so `profile` selects without any build or tool."""
    executable = tmp_path / "yb_fake"
    executable.write_text("#!/bin/sh\nprintf 'generators/sum/iterator/n:10\\ngenerators/sum/callback/n:10\\n'\n")
    executable.chmod(0o755)
    monkeypatch.setattr(families, "executables", lambda preset="release": {"generators": executable})
    monkeypatch.setattr(profile, "check_tool", lambda tool: None)
    return executable


@pytest.mark.parametrize(
    "name, needle",
    [
        ("generators/no_such/bench/n:1", "no benchmark matches 'generators/no_such/bench/n:1'"),
        ("(unclosed", "is neither a benchmark name nor a regular expression"),
    ],
)
def test_profile_refuses_a_name_matching_nothing(name, needle, fake_profile_family, tmp_path, capsys):
    assert main(["profile", name, "--tool", "callgrind", "--no-build", "--out", str(tmp_path / "profiles")]) == 2
    assert_one_line_error(capsys.readouterr().err, "profile", needle)
    assert not (tmp_path / "profiles").exists()


@pytest.mark.parametrize(
    "argv, needle",
    [
        ([], "required: RESULTS.json"),
        ([str(GOOD), "--bogus"], "unrecognized arguments: --bogus"),
        ([str(GOOD), "--out"], "--out: expected one argument"),
    ],
)
def test_report_argument_errors_are_one_line(argv, needle, capsys):
    assert main(["report", *argv]) == 2
    captured = capsys.readouterr()
    one_line(captured.err, "yieldbench report: ", needle)


def test_the_command_line_has_no_usage_block_for_bad_arguments():
    done = yieldbench("ci", "--repetitions", "abc")
    assert done.returncode == 2
    assert done.stderr == (
        "yieldbench ci: argument --repetitions: 'abc' is not a whole number " "(see `yieldbench ci --help`)\n"
    )
