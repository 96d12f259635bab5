"""`yieldbench history ...` and `yieldbench report` with a history, end to end as a user runs them, on both
engines; and the recording every run and ci does (history_cmd.record), which never costs the results."""
import json
import pathlib
import subprocess

import pytest

pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (python3-sqlalchemy)")

from history_testlib import SUITE, write_run  # noqa: E402
from ybcli import history_cmd  # noqa: E402

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")
NAME = "generators/sum_plus_one/eager_vector/n:1000"


def yieldbench(*args, env=None, timeout=300):
    import os

    environment = {**os.environ, "YIELDBENCH_MACHINE_CLASS": "test-class", **(env or {})}
    environment.pop("YIELDBENCH_HISTORY", None)
    return subprocess.run(
        [YIELDBENCH, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=environment
    )


def two_runs(root: pathlib.Path) -> list:
    first = write_run(root, "20261201-000000-quick", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    slower = {name: ns * (1.3 if name == NAME else 1.0) for name, ns in SUITE.items()}
    second = write_run(
        root,
        "20261202-000000-quick",
        "2026-12-02T00:00:00Z",
        "b" * 40,
        slower,
        skipped={"io/echo/uring": "io_uring is not available"},
    )
    return [first, second]


def test_import_list_show_trend_changes_export(history_url, tmp_path):
    two_runs(tmp_path / "results")
    imported = yieldbench("history", "import", tmp_path / "results", "--history", history_url, "--ref", "main")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("recorded as run") == 2 and "test-class" in imported.stdout
    again = yieldbench("history", "import", tmp_path / "results", "--history", history_url)
    assert again.returncode == 0 and again.stdout.count("already there") == 2

    listed = yieldbench("history", "list", "--history", history_url)
    assert listed.returncode == 0, listed.stderr
    assert "20261201-000000-quick" in listed.stdout and "20261202-000000-quick" in listed.stdout
    assert "2 run(s)" in listed.stdout and "main" in listed.stdout

    shown = yieldbench("history", "show", "latest", "--history", history_url)
    assert shown.returncode == 0, shown.stderr
    assert "bbbbbbbbbbbbbbbbbbbb" in shown.stdout and "SKIPPED" in shown.stdout
    assert "io_uring is not available" in shown.stdout

    trend = yieldbench("history", "trend", NAME, "--history", history_url, "--chart", tmp_path / "charts")
    assert trend.returncode == 0, trend.stderr
    assert "2 runs" in trend.stdout and "6.5 µs" in trend.stdout
    assert (tmp_path / "charts" / "trend-generators-sum_plus_one.png").stat().st_size > 1000
    by_pattern = yieldbench("history", "trend", "boost_fiber", "--history", history_url)
    assert by_pattern.returncode == 0 and "coroutines/switch/boost_fiber" in by_pattern.stdout

    found = yieldbench("history", "changes", "--history", history_url)
    assert found.returncode == 0, found.stderr
    assert "test-class (time)" in found.stdout and "no change points" in found.stdout  # two runs: too few

    csv_out = yieldbench("history", "export", "--format", "csv", "--history", history_url)
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("run,label,date,commit")
    assert len(csv_out.stdout.splitlines()) == 1 + 2 * 3 * len(SUITE) + 1
    github = yieldbench("history", "export", "--format", "json", "--history", history_url, "--out", tmp_path / "g.json")
    assert github.returncode == 0, github.stderr
    assert {entry["name"] for entry in json.loads((tmp_path / "g.json").read_text())} == set(SUITE)
    bencher = yieldbench("history", "export", "--format", "json", "--shape", "bencher", "--history", history_url)
    assert json.loads(bencher.stdout)[NAME]["latency"]["value"] == pytest.approx(6500.0)


def test_changes_names_the_commit_of_an_injected_step(tmp_path):
    import numpy

    url = tmp_path / "history.sqlite"
    noise = numpy.random.default_rng(3).normal(0, 0.01, 24)
    for index in range(24):
        factor = (1.2 if index >= 16 else 1.0) * (1 + noise[index])
        times = {name: ns * (factor if name == NAME else 1 + noise[index]) for name, ns in SUITE.items()}
        run_id = f"202612{index + 1:02d}-000000-quick"
        write_run(tmp_path / "results", run_id, f"2026-12-{index + 1:02d}T00:00:00Z", f"{index:02d}" * 20, times)
    assert yieldbench("history", "import", tmp_path / "results", "--history", url).returncode == 0
    found = yieldbench("history", "changes", "--history", url)
    assert found.returncode == 0, found.stderr
    lines = [line for line in found.stdout.splitlines() if NAME in line]
    assert len(lines) == 1 and "151515151..161616161" in lines[0] and "+2" in lines[0], found.stdout
    assert sum("/" in line and "20" in line for line in found.stdout.splitlines()[3:]) == 1


def test_the_report_of_the_second_run_draws_the_trends(tmp_path):
    root = tmp_path / "results"
    files = two_runs(root)
    for path in files:
        assert history_cmd.record(path, None, root, "test-class")
    listed = yieldbench("history", "list", "--history", root / "history.sqlite")
    assert "2 run(s)" in listed.stdout
    report = yieldbench("report", files[1], "--out", tmp_path / "report")
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "report" / "index.html").read_text()
    assert '<h2 id="history">History</h2>' in page and "2 runs of machine class <b>test-class</b>" in page
    assert (tmp_path / "report" / "history" / "trend-generators-sum_plus_one.png").exists()
    assert "## History" in (tmp_path / "report" / "summary.md").read_text()
    one = tmp_path / "one"
    write_run(one, "20261201-000000-quick", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    history_cmd.record(one / "20261201-000000-quick" / "results.json", None, one, "test-class")
    alone = yieldbench("report", one / "20261201-000000-quick" / "results.json", "--out", tmp_path / "r1")
    assert alone.returncode == 0 and "trends need two" in (tmp_path / "r1" / "index.html").read_text()


def test_a_corrupt_history_is_one_line_exit_2_and_left_as_it_is(tmp_path):
    path = tmp_path / "history.sqlite"
    path.write_text("not a database\n" * 50)
    for command in (
        ["list"],
        ["trend", NAME],
        ["import", write_run(tmp_path, "r", "2026-12-01T00:00:00Z", "a" * 40, SUITE)],
    ):
        done = yieldbench("history", *command, "--history", path)
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "not a yieldbench history" in done.stderr
    assert path.read_text() == "not a database\n" * 50


def test_a_newer_schema_is_one_line_exit_2(tmp_path):
    import sqlite3

    path = tmp_path / "history.sqlite"
    assert yieldbench("history", "list", "--history", path).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE yb_schema_version SET version = 7")
    done = yieldbench("history", "list", "--history", path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "schema version 7 is newer" in done.stderr


def test_an_unreachable_server_is_one_line_exit_2_and_a_run_still_keeps_its_results(tmp_path, capsys):
    url = "postgresql://yb@127.0.0.1:1/history"
    done = yieldbench("history", "list", "--history", url)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "cannot connect to the PostgreSQL server" in done.stderr
    written = write_run(tmp_path, "r", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    before = written.read_bytes()
    assert history_cmd.record(written, url, tmp_path) is False
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("yieldbench: history: not recorded: ")
    assert written.read_bytes() == before


def test_history_off_records_nothing(tmp_path):
    written = write_run(tmp_path, "r", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    assert history_cmd.record(written, "off", tmp_path) is False
    assert not (tmp_path / "history.sqlite").exists()


def test_unknown_benchmark_and_empty_history_are_one_line_exit_2(tmp_path):
    path = tmp_path / "h.sqlite"
    empty = yieldbench("history", "trend", NAME, "--history", path)
    assert empty.returncode == 2 and "holds no runs yet" in empty.stderr
    write_run(tmp_path / "results", "r", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    yieldbench("history", "import", tmp_path / "results", "--history", path)
    unknown = yieldbench("history", "trend", "no/such/bench", "--history", path)
    assert unknown.returncode == 2 and "no benchmark 'no/such/bench'" in unknown.stderr
    missing = yieldbench("history", "show", "99", "--history", path)
    assert missing.returncode == 2 and "no run '99'" in missing.stderr
