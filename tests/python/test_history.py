"""The results history (ybhistory) on both engines: recording, queries, concurrency, crashes, bad databases,
change points, export; the same tests on SQLite and on a PostgreSQL server the tests start (conftest.py)."""
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys

import numpy
import pytest

sqlalchemy = pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (python3-sqlalchemy)")

import ybresults  # noqa: E402
import ybhistory  # noqa: E402
from ybhistory import changes, export  # noqa: E402
from history_testlib import SUITE, document  # noqa: E402

CLASS = "2cpu-kvm"


def record(url, doc, klass=CLASS, ref="main"):
    results = ybresults.model.from_document(ybresults.document.check_shape(doc, "test"), "test")
    with ybhistory.Store(ybhistory.url_for(url, ".")) as store:
        return store.record(ybhistory.from_results(results, klass, ref))


def open_store(url):
    return ybhistory.Store(ybhistory.url_for(url, "."))


def test_a_run_is_recorded_with_every_repetition_counter_skip_and_failure(history_url):
    doc = document(
        "20261201-000000-quick",
        "2026-12-01T00:00:00+00:00",
        "a" * 40,
        SUITE,
        skipped={"io/echo/uring": "io_uring is not available"},
        failed={"io/echo/epoll": "checksum mismatch"},
    )
    recorded = record(history_url, doc)
    assert recorded.new and recorded.benchmarks == len(SUITE) + 2
    with open_store(history_url) as store:
        (run,) = store.runs()
        assert (run.label, run.commit, run.ref, run.machine_class, run.measure, run.profile) == (
            "20261201-000000-quick",
            "a" * 40,
            "main",
            CLASS,
            "time",
            "quick",
        )
        assert run.date == "2026-12-01T00:00:00Z" and run.context["cpu_model"] == "test cpu"
        assert (run.benchmarks, run.failed, run.skipped) == (5, 1, 1) and run.partial
        rows = {row[0]: row for row in store.results_of(run.id)}
        assert rows["io/echo/uring"][1:3] == ("skipped", "skipped: io_uring is not available")
        assert rows["io/echo/epoll"][1:3] == ("failed", "checksum mismatch")
        name = "coroutines/switch/boost_fiber"
        assert rows[name][3] == pytest.approx(40.0) and rows[name][4] == pytest.approx([39.6, 40.0, 40.4])
        (point,) = store.trend(name, CLASS, "time", "heap_peak_bytes")
        assert point.values == [4096.0, 4097.0, 4098.0]


def test_recording_the_same_run_twice_keeps_one(history_url):
    doc = document("r1", "2026-12-01T00:00:00Z", "a" * 40, SUITE)
    assert record(history_url, doc).new
    again = record(history_url, doc)
    assert not again.new
    with open_store(history_url) as store:
        assert len(store.runs()) == 1


def test_trend_is_in_date_order_and_per_machine_class(history_url):
    for day, ns in ((3, 120.0), (1, 100.0), (2, 110.0)):
        record(history_url, document(f"r{day}", f"2026-12-0{day}T00:00:00Z", f"{day}" * 40, {"a/b/c": ns}))
    record(history_url, document("other", "2026-12-04T00:00:00Z", "4" * 40, {"a/b/c": 999.0}), klass="8cpu-metal")
    with open_store(history_url) as store:
        points = store.trend("a/b/c", CLASS, "time")
        assert [p.label for p in points] == ["r1", "r2", "r3"]
        assert [p.median for p in points] == pytest.approx([100.0, 110.0, 120.0])
        assert store.classes()[0][:2] == ("8cpu-metal", "time")
        assert store.trend("no/such/name", CLASS, "time") == []


def _record_in_child(url, run_id, queue):
    try:
        doc = document(run_id, f"2026-12-01T00:00:{run_id[-2:]}Z", "c" * 40, SUITE)
        queue.put(record(url, doc).new)
    except Exception as error:  # reported to the parent, which fails the test
        queue.put(repr(error))


def test_two_runs_recording_at_the_same_time_both_land(history_url):
    with open_store(history_url):
        pass  # the schema exists; the children race on recording, not on creating it (tested below too)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_record_in_child, args=(history_url, f"run-{i:02d}", queue)) for i in range(4)]
    for child in children:
        child.start()
    outcomes = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert outcomes == [True] * 4
    with open_store(history_url) as store:
        assert len(store.runs()) == 4


def test_two_processes_creating_a_new_history_at_once_both_land(history_url):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_record_in_child, args=(history_url, f"new-{i:02d}", queue)) for i in range(3)]
    for child in children:
        child.start()
    outcomes = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert outcomes == [True] * 3


KILLED_WRITER = """
import os, sys, signal
sys.path[:0] = {paths!r}
import ybresults, ybhistory
from ybhistory import store as store_module
from history_testlib import document
doc = document("killed", "2026-12-02T00:00:00Z", "d" * 40, {{f"a/b/impl{{i}}": 100.0 for i in range(200)}})
results = ybresults.model.from_document(ybresults.document.check_shape(doc, "t"), "t")
original = store_module.schema.repetitions.insert
def insert_then_die():
    os.kill(os.getpid(), signal.SIGKILL)  # killed while the run's transaction is open
store_module.schema.repetitions.insert = insert_then_die
with ybhistory.Store(ybhistory.url_for({url!r}, ".")) as store:
    store.record(ybhistory.from_results(results, "2cpu-kvm"))
"""


def test_a_run_killed_while_writing_leaves_the_history_as_it_was(history_url, tmp_path):
    record(history_url, document("before", "2026-12-01T00:00:00Z", "a" * 40, SUITE))
    here = os.path.dirname(__file__)
    root = os.path.dirname(os.path.dirname(here))
    script = KILLED_WRITER.format(paths=[root, here], url=history_url)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    with open_store(history_url) as store:
        assert [run.label for run in store.runs()] == ["before"]
        assert store.names(CLASS, "time") == sorted(SUITE)
    assert record(history_url, document("after", "2026-12-03T00:00:00Z", "b" * 40, SUITE)).new


def test_a_corrupt_file_is_one_line_and_left_as_it_is(tmp_path):
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(ybhistory.HistoryError, match="not a yieldbench history") as caught:
        ybhistory.Store(ybhistory.url_for(str(path), "."))
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused_and_left_as_it_is(history_url):
    with open_store(history_url) as store:
        with store.engine.begin() as connection:
            connection.execute(ybhistory.schema.schema_version.update().values(version=99))
    with pytest.raises(ybhistory.HistoryError, match="schema version 99 is newer than this yieldbench reads"):
        open_store(history_url)
    with open_store.__globals__["ybhistory"].store.sa.create_engine(
        ybhistory.url_for(history_url, "."), future=True
    ).connect() as connection:
        assert connection.execute(ybhistory.schema.schema_version.select()).scalar() == 99


def test_a_database_with_an_older_schema_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE yb_schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO yb_schema_version VALUES (0)")
    connection.commit()
    connection.close()
    with ybhistory.Store(ybhistory.url_for(str(path), ".")) as store:
        assert store.version == ybhistory.SCHEMA_VERSION
        assert store.runs() == []


def test_an_unreachable_server_is_one_line_naming_it_without_the_password():
    url = "postgresql://me:secret@127.0.0.1:1/nothing"
    with pytest.raises(ybhistory.HistoryError) as caught:
        ybhistory.Store(ybhistory.url_for(url, "."))
    message = str(caught.value)
    assert "cannot connect to the PostgreSQL server" in message and "secret" not in message
    assert "\n" not in message


def test_change_points_find_one_injected_step():
    noise = numpy.random.default_rng(7).normal(0, 0.02, 50)  # 2%: a shared machine's run-to-run noise
    noisy = [
        ybhistory.Point(i, f"r{i}", f"2026-12-01T00:{i:02d}:00Z", f"{i:040d}", 100.0 * (1.1 if i >= 30 else 1.0))
        for i in range(50)
    ]
    noisy = [ybhistory.Point(p.run_id, p.label, p.date, p.commit, p.median * (1 + e)) for p, e in zip(noisy, noise)]
    (step,) = changes.steps("a/b/c", noisy)
    assert step.index == 30 and step.commit == f"{30:040d}" and step.previous_commit == f"{29:040d}"
    assert step.change == pytest.approx(0.10, abs=0.02) and step.confidence > 0.999
    assert changes.steps("a/b/c", [ybhistory.Point(i, "", "", "", 100.0) for i in range(50)]) == []


def test_change_points_keep_two_close_steps_apart():
    values = [100.0] * 20 + [130.0] * 4 + [100.0] * 20
    assert changes.segment(numpy.log(values)) == [20, 24]


def test_export_shapes(history_url):
    record(
        history_url,
        document("r1", "2026-12-01T00:00:00Z", "a" * 40, SUITE, skipped={"io/echo/uring": "no io_uring"}),
    )
    with open_store(history_url) as store:
        run = store.run("latest")
        rows = export.to_csv(store, store.runs()).splitlines()
        assert rows[0].split(",") == list(export.CSV_COLUMNS)
        assert len(rows) == 1 + 3 * len(SUITE) + 1
        github = json.loads(export.to_json(store, run, "customSmallerIsBetter"))
        assert {entry["name"] for entry in github} == set(SUITE)
        assert all(entry["unit"] == "ns" and entry["value"] > 0 and "range" in entry for entry in github)
        bencher = json.loads(export.to_json(store, run, "bencher"))
        fiber = bencher["coroutines/switch/boost_fiber"]["latency"]
        assert fiber["lower_value"] <= fiber["value"] <= fiber["upper_value"]


def test_url_for_defaults_and_off(monkeypatch, tmp_path):
    monkeypatch.delenv(ybhistory.ENV, raising=False)
    assert ybhistory.url_for(None, tmp_path) == f"sqlite:///{tmp_path / 'history.sqlite'}"
    monkeypatch.setenv(ybhistory.ENV, "postgresql://u@h/db")
    assert ybhistory.url_for(None, tmp_path) == "postgresql+psycopg2://u@h/db"
    assert ybhistory.url_for("off", tmp_path) is None


def test_recent_reads_the_last_runs_of_every_benchmark_at_once(history_url):
    for day in range(1, 6):
        record(history_url, document(f"r{day}", f"2026-12-0{day}T00:00:00Z", f"{day}" * 40, SUITE))
    with open_store(history_url) as store:
        series = store.recent(CLASS, "time", None, 3)
        assert set(series) == set(SUITE)
        points = series["coroutines/switch/boost_fiber"]
        assert [p.label for p in points] == ["r3", "r4", "r5"] and points[0].values == pytest.approx([39.6, 40, 40.4])
        assert set(store.recent(CLASS, "time", ["coroutines/switch/boost_fiber"], 2)) == {
            "coroutines/switch/boost_fiber"
        }
        assert store.recent("no-such-class", "time") == {}
