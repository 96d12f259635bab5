"""Faults a CI machine brings, each created for real: a full disk (RLIMIT_FSIZE), two runs into one results
folder at once, and a benchmark that floods stderr and its progress channel. (SIGKILL of the supervisor:
test_faults_orphans.py; any input: test_faults_inputs.py; the soak: test_faults_soak.py.)"""
import json
import os
import pathlib
import resource
import signal
import subprocess

import pytest

import ybresults
from ybcli import supervisor

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")

CALLBACK = "generators/sum_plus_one/callback/n:100000"
ITERATOR = "generators/sum_plus_one/iterator/n:100000"
RANGES = "generators/sum_plus_one/ranges_view/n:100000"
THREE = "generators/sum_plus_one/(callback|iterator|ranges_view)/n:100000"


def run_cmd(out, filter_, environment=None, popen=False):
    command = [YIELDBENCH, "run", "--profile", "smoke", "--family", "generators", "--filter", filter_]
    keywords = dict(
        cwd=REPO_ROOT,
        env=dict(os.environ, **(environment or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if popen:
        return subprocess.Popen([*command, "--out", str(out)], **keywords)
    return subprocess.run([*command, "--out", str(out)], timeout=600, **keywords)


def error_lines(stderr):
    return [line for line in stderr.splitlines() if not line.startswith("yieldbench: ")]


def previous_run(out):
    """A whole earlier run that `latest` points at, as the fault must leave it."""
    previous = out / "20200101-000000-quick"
    previous.mkdir(parents=True)
    text = (pathlib.Path(__file__).parent / "gate_fixtures" / "base.json").read_text()
    (previous / "results.json").write_text(text)
    (out / "latest").symlink_to(previous.name)
    return previous, text


# `yieldbench run` with the disk "full" from the moment the build is done: writes past RLIMIT_FSIZE fail with
# EFBIG (SIGXFSZ ignored), as they fail with ENOSPC on a full disk. The build runs first, without the limit (ninja
# appends to its own logs, which are larger than any limit here).
FULL_DISK_RUN = """
import resource, signal, sys
from ybcli import build, __main__ as cli
build.bootstrap()
build.build("release")
build.bootstrap = build.build = lambda *args, **keywords: None
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
sys.exit(cli.main(sys.argv[2:]))
"""


def run_on_full_disk(out, limit):
    command = ["/usr/bin/python3", "-c", FULL_DISK_RUN, str(limit), "run", "--profile", "smoke", "--family"]
    environment = dict(os.environ, PYTHONPATH=f"{REPO_ROOT / 'scripts'}:{REPO_ROOT}")
    return subprocess.run(
        [*command, "generators", "--filter", THREE, "--out", str(out)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def whole_size(tmp_path_factory):
    """The size of a whole results.json of the run below, and that the run works without a limit."""
    out = tmp_path_factory.mktemp("unlimited")
    done = run_cmd(out, THREE)
    assert done.returncode == 0, done.stdout + done.stderr
    return (out / "latest" / "results.json").stat().st_size


@pytest.mark.parametrize("fraction", [0.0, 0.05, 0.6, 0.97])
def test_a_full_disk_keeps_earlier_results_and_latest_and_says_which_path(tmp_path, whole_size, fraction):
    out = tmp_path / "results"
    previous, text = previous_run(out)
    limit = int(whole_size * fraction)
    done = run_on_full_disk(out, limit)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, f"limit {limit}: {done.stdout}{done.stderr}"
    (line,) = error_lines(done.stderr)
    assert line.startswith("yieldbench run: ") and str(out) in line, line
    assert any(why in line for why in ("File too large", "cut short", "SIGXFSZ")), line
    # Earlier results and latest as they were; nothing half-written where a reader takes it for whole.
    assert os.readlink(out / "latest") == previous.name
    assert (previous / "results.json").read_text() == text
    for path in out.rglob("*"):
        assert not path.name.endswith(".tmp") and not path.name.endswith(".gb.json"), path
        if path.name == "results.json":
            ybresults.read(path)
    assert not [path for path in out.iterdir() if path.name.startswith(".latest.") and path.is_symlink()]


def test_two_runs_at_once_into_one_folder_both_finish_apart(tmp_path):
    out = tmp_path / "results"
    first = run_cmd(out, CALLBACK, popen=True)
    second = run_cmd(out, ITERATOR, popen=True)
    outputs = [child.communicate(timeout=600) for child in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    runs = [path for path in out.iterdir() if path.is_dir() and not path.is_symlink()]
    assert len(runs) == 2, runs
    documents = {run: json.loads((run / "results.json").read_text()) for run in runs}
    assert len({document["yieldbench"]["run_id"] for document in documents.values()}) == 2
    assert sorted(run.name for run in runs) == sorted(
        document["yieldbench"]["run_id"] for document in documents.values()
    )
    benchmarks = {run: {entry["run_name"] for entry in document["benchmarks"]} for run, document in documents.items()}
    assert sorted(map(sorted, benchmarks.values())) == [[CALLBACK], [ITERATOR]]
    # `latest` ends at the run that finished last: whose results were written last (one lock orders both).
    last = max(runs, key=lambda run: (run / "results.json").stat().st_mtime_ns)
    assert os.readlink(out / "latest") == last.name
    assert not [path for path in out.iterdir() if path.name.startswith(".latest.") and path.is_symlink()]


def test_a_loud_benchmark_is_kept_bounded_in_the_log_and_stalls_nothing(tmp_path):
    done = run_cmd(tmp_path, THREE, environment={"YB_FAILPOINT": f"noisy:8@{ITERATOR}"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = json.loads((tmp_path / "latest" / "results.json").read_text())
    names = {entry["run_name"] for entry in document["benchmarks"] if not entry.get("error_occurred")}
    assert names == {CALLBACK, ITERATOR, RANGES}
    log = tmp_path / "latest" / "generators.stderr.log"
    assert log.stat().st_size <= supervisor.BoundedLog.HEAD + supervisor.BoundedLog.TAIL + 100
    text = log.read_bytes()
    assert b"bytes left out" in text
    assert b"YB_FAILPOINT: noise" in text or b"xxxx" in text
    assert text.rstrip().endswith(f"YB_FAILPOINT: {ITERATOR} was noisy and goes on".encode())


def test_the_bounded_log_keeps_head_and_tail(tmp_path):
    log = supervisor.BoundedLog(tmp_path / "log")
    log.write(b"h" * supervisor.BoundedLog.HEAD)
    for _ in range(100):
        log.write(b"m" * 10000)
    log.write(b"the end\n")
    log.close()
    text = (tmp_path / "log").read_bytes()
    assert text.startswith(b"h" * supervisor.BoundedLog.HEAD + b"\n[... ")
    assert text.endswith(b"the end\n")
    assert len(text) < supervisor.BoundedLog.HEAD + supervisor.BoundedLog.TAIL + 100


PUBLISH_ON_FULL_DISK = """
import pathlib, resource, signal, sys
from ybcli import runfolder
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
entry = {"name": "g/w/i", "run_name": "g/w/i", "run_type": "iteration", "real_time": 1.0, "label": "x" * 10000}
try:
    runfolder.publish(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), {"context": {}, "benchmarks": [entry]})
except OSError as error:
    print(error.filename)
    print(error.strerror)
    sys.exit(2)
"""


def test_results_that_do_not_fit_leave_no_file_and_latest_where_it_was(tmp_path):
    out = tmp_path / "results"
    previous, text = previous_run(out)
    run_dir = out / "20261203-000000-smoke"
    run_dir.mkdir()
    done = subprocess.run(
        ["/usr/bin/python3", "-c", PUBLISH_ON_FULL_DISK, str(out), str(run_dir)],
        env=dict(os.environ, PYTHONPATH=f"{REPO_ROOT / 'scripts'}:{REPO_ROOT}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.splitlines() == [str(run_dir / "results.json"), "File too large"]
    assert list(run_dir.iterdir()) == []  # no temporary file, no half a results.json
    assert os.readlink(out / "latest") == previous.name
    assert (previous / "results.json").read_text() == text


def test_a_report_that_does_not_fit_is_one_line_and_leaves_no_half_file(tmp_path):
    report = tmp_path / "report"
    report.mkdir()
    (report / "summary.md").write_text("the earlier summary\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    good = pathlib.Path(__file__).parent / "gate_fixtures" / "base.json"
    done = subprocess.run(
        [YIELDBENCH, "report", str(good), "--out", str(report)],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"yieldbench report: {report}/") and "File too large" in line, line
    assert not [path for path in report.iterdir() if path.name.endswith(".tmp")]
    assert (report / "summary.md").read_text() == "the earlier summary\n"


RECORD_ON_FULL_DISK = """
import pathlib, resource, signal, sys
from ybcli import history_cmd
results, history, limit = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(0 if history_cmd.record(results, history, results.parent.parent) else 1)
"""


def test_a_history_that_does_not_fit_is_one_warning_and_keeps_the_runs_it_held(tmp_path):
    pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (python3-sqlalchemy)")
    from history_testlib import SUITE, write_run

    first = write_run(tmp_path / "results", "20261201-000000-quick", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    second = write_run(tmp_path / "results", "20261202-000000-quick", "2026-12-02T00:00:00Z", "b" * 40, SUITE)
    history = tmp_path / "history.sqlite"
    environment = dict(os.environ, YIELDBENCH_MACHINE_CLASS="test-class")
    environment.pop("YIELDBENCH_HISTORY", None)

    def history_command(*args):
        return subprocess.run(
            [YIELDBENCH, "history", *args, "--history", str(history)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO_ROOT,
            env=environment,
        )

    imported = history_command("import", str(first))
    assert imported.returncode == 0, imported.stderr
    held = history.read_bytes()
    # No write past the first page: SQLite's journal and the database's later pages both hit the limit.
    done = subprocess.run(
        ["/usr/bin/python3", "-c", RECORD_ON_FULL_DISK, str(second), str(history), "4096"],
        env=dict(environment, PYTHONPATH=f"{REPO_ROOT / 'scripts'}:{REPO_ROOT}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (warning,) = [line for line in done.stderr.splitlines() if line.startswith("yieldbench: history:")]
    assert "not recorded" in warning, done.stderr
    listed = history_command("list")
    assert listed.returncode == 0, listed.stderr
    assert "20261201-000000-quick" in listed.stdout and "20261202-000000-quick" not in listed.stdout
    assert history.read_bytes() == held  # the transaction rolled back: not one page changed
