"""Opening the history (SQLite file or PostgreSQL server, one code path through SQLAlchemy Core), recording a
run in one transaction, and the queries the commands, the report and the change detection make.

Nothing lost:
  - a run is recorded in one transaction: a process killed while writing leaves the database as it was;
  - SQLite writers take the write lock when they begin (BEGIN IMMEDIATE) and wait up to BUSY_SECONDS for it,
    so two runs recording at once both land, one after the other; PostgreSQL serialises them itself;
  - a file that is not a SQLite database, or a database with a newer schema, is a HistoryError and is never
    written to;
  - an unreachable server is a HistoryError naming the server (password hidden)."""
import datetime
import json
import os
import pathlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import event

from . import schema
from .errors import HistoryError

ENV = "YIELDBENCH_HISTORY"
DEFAULT_NAME = "history.sqlite"
OFF = ("off", "none", "no")
BUSY_SECONDS = 60
CONNECT_SECONDS = 10


def url_for(value, results_root) -> str:
    """The database URL for --history VALUE (None: $YIELDBENCH_HISTORY, else RESULTS_ROOT/history.sqlite); None
    when recording is off (`--history off`). A plain path is a SQLite file."""
    value = value or os.environ.get(ENV) or str(pathlib.Path(results_root) / DEFAULT_NAME)
    if value.lower() in OFF:
        return None
    if "://" not in value:
        return f"sqlite:///{pathlib.Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + value.split("://", 1)[1]
    return value


def shown(url: str) -> str:
    """`url` without its password: what messages say."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _one_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    return text[:300]


@dataclass
class Run:
    id: int
    label: str
    commit: str
    ref: str
    date: str
    machine_class: str
    measure: str
    profile: str
    partial: bool
    yb_version: str = ""
    context: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    benchmarks: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class Point:
    """One benchmark in one run: what a trend draws and change detection reads."""

    run_id: int
    label: str
    date: str
    commit: str
    median: float
    values: list = field(default_factory=list)  # the repetitions' values


@dataclass(frozen=True)
class Recorded:
    run_id: int
    new: bool  # False: the run was in the history already (same run id and date)
    benchmarks: int


class Store:
    """An open history. Use as a context manager, or close()."""

    def __init__(self, url: str):
        self.url, self.shown = url, shown(url)
        self.engine = _engine(url)
        self.dialect = self.engine.dialect.name
        try:
            with self.engine.begin() as connection:
                self.version = _migrate(connection, self.dialect)
        except HistoryError:
            self.engine.dispose()
            raise
        except sa.exc.SQLAlchemyError as error:
            self.engine.dispose()
            raise HistoryError(_opening_problem(self.shown, self.dialect, error)) from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def _failure(self, doing: str, error: Exception) -> HistoryError:
        return HistoryError(f"history {self.shown}: cannot {doing}: {_one_line(error)}")

    # ---- recording

    def record(self, entry) -> Recorded:
        """Records a RunRecord (record.py) in one transaction; a run already there is left as it is."""
        try:
            with self.engine.begin() as connection:
                return _record(connection, self.dialect, entry)
        except sa.exc.SQLAlchemyError as error:
            raise self._failure("record the run", error) from None

    # ---- queries

    def _read(self, doing: str, function, *arguments):
        try:
            with self.engine.connect() as connection:
                return function(connection, *arguments)
        except sa.exc.SQLAlchemyError as error:
            raise self._failure(doing, error) from None

    def runs(self, machine_class: str = None, measure: str = None, limit: int = None) -> list:
        """Runs, oldest first (the last `limit` of them), with their counts of benchmarks, failures and skips."""
        return self._read("list the runs", _runs, machine_class, measure, limit, None)

    def run(self, key: str) -> Run:
        """A run by its number, its label (run id), or `latest`; HistoryError when there is none."""
        found = self._read("read the run", _runs, None, None, None, key)
        if not found:
            raise HistoryError(f"history {self.shown}: no run '{key}' (see `yieldbench history list`)")
        return found[-1]

    def results_of(self, run_id: int) -> list:
        """[(name, status, reason, median, [values])] of one run, by name."""
        return self._read("read the run's results", _results_of, run_id)

    def classes(self) -> list:
        """[(machine class, measure, runs)], the most recently recorded first."""
        return self._read("list the machine classes", _classes)

    def names(self, machine_class: str, measure: str) -> list:
        return self._read("list the benchmarks", _names, machine_class, measure)

    def trend(self, name: str, machine_class: str, measure: str, counter: str = None) -> list:
        """[Point] of one benchmark, oldest run first; `counter` None: the primary metric."""
        return self._read("read the trend", _trend, name, machine_class, measure, counter)

    def recent(self, machine_class: str, measure: str, names: list = None, last: int = 100) -> dict:
        """{name: [Point with values]} over the `last` runs of a machine class and measure, oldest first, in
        two queries whatever the number of benchmarks: what the report's trend charts read."""
        return self._read("read the recent runs", _recent, machine_class, measure, names, last)

    def medians(self, machine_class: str, measure: str, names: list = None) -> dict:
        """{name: [Point without values]} for every benchmark of a machine class and measure (or `names`),
        oldest run first: what change detection reads."""
        return self._read("read the medians", _medians, machine_class, measure, names)


def _engine(url: str):
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as error:
        raise HistoryError(f"--history {url}: not a database URL or path ({error})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database:
            folder = pathlib.Path(parsed.database).parent
            if not folder.is_dir():
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise HistoryError(f"history {parsed.database}: cannot create its folder ({error.strerror})")
        engine = sa.create_engine(url, future=True, connect_args={"timeout": BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _no_pysqlite_transactions(dbapi_connection, record):
            dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below), as SQLite means it
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            # The write lock at the start: two writers queue for it (busy timeout) instead of one failing when
            # both hold a read lock and want to write.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        try:
            return sa.create_engine(
                url, future=True, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_SECONDS}
            )
        except ImportError as error:
            raise HistoryError(f"history {shown(url)}: {error} (install python3-psycopg2)") from None
    raise HistoryError(f"history {shown(url)}: unsupported database '{backend}' (SQLite or PostgreSQL)")


def _opening_problem(where: str, dialect: str, error: Exception) -> str:
    text = _one_line(error)
    if dialect == "sqlite" and ("not a database" in text or "malformed" in text):
        return f"history {where}: not a yieldbench history (not a SQLite database, or corrupt: {text}); left as it is"
    if isinstance(error, sa.exc.OperationalError) and dialect == "postgresql":
        return f"history {where}: cannot connect to the PostgreSQL server: {text}"
    return f"history {where}: cannot open: {text}"


def _migrate(connection, dialect: str) -> int:
    """Brings the tables to SCHEMA_VERSION inside the caller's transaction; returns the version."""
    if dialect == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": schema.ADVISORY_LOCK})
    inspector = sa.inspect(connection)
    if inspector.has_table(schema.schema_version.name):
        found = connection.execute(sa.select(schema.schema_version.c.version)).scalars().all()
        if len(found) != 1:
            raise HistoryError(f"{len(found)} rows in yb_schema_version (expected 1): not a history yieldbench wrote")
        version = found[0]
    else:
        ours = [name for name in inspector.get_table_names() if name.startswith("yb_")]
        if ours:
            raise HistoryError(f"tables {', '.join(sorted(ours))} without yb_schema_version: not a yieldbench history")
        schema.schema_version.create(connection)
        connection.execute(schema.schema_version.insert().values(version=0))
        version = 0
    if version > schema.SCHEMA_VERSION:
        where = connection.engine.url
        raise HistoryError(
            f"history {shown(str(where))}: schema version {version} is newer than this yieldbench reads "
            f"({schema.SCHEMA_VERSION}); update yieldbench (the database is left as it is)"
        )
    for step in range(version + 1, schema.SCHEMA_VERSION + 1):
        schema.MIGRATIONS[step](connection)
        connection.execute(schema.schema_version.update().values(version=step))
    return max(version, schema.SCHEMA_VERSION)


def _insert(dialect: str, table):
    """An INSERT that skips rows whose unique key is there already (two recorders adding the same new name)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(connection, dialect: str, entry) -> Recorded:
    runs, benchmarks, results, repetitions = schema.runs, schema.benchmarks, schema.results, schema.repetitions
    existing = connection.execute(sa.select(runs.c.id).where(runs.c.run_key == entry.run_key)).scalar()
    if existing is not None:
        return Recorded(existing, False, len(entry.benchmarks))
    run_id = connection.execute(
        runs.insert().values(
            run_key=entry.run_key,
            label=entry.label,
            commit=entry.commit,
            ref=entry.ref,
            date=entry.date,
            recorded_at=now(),
            machine_class=entry.machine_class,
            measure=entry.measure,
            profile=entry.profile,
            partial=entry.partial,
            yb_version=entry.yb_version,
            context=json.dumps(entry.context, sort_keys=True),
            meta=json.dumps(entry.meta, sort_keys=True),
        )
    ).inserted_primary_key[0]
    if not entry.benchmarks:
        return Recorded(run_id, True, 0)
    wanted = [bench.name for bench in entry.benchmarks]
    connection.execute(
        _insert(dialect, benchmarks),
        [
            {"name": b.name, "family": b.family, "workload": b.workload, "implementation": b.implementation}
            for b in entry.benchmarks
        ],
    )
    ids = dict(
        connection.execute(sa.select(benchmarks.c.name, benchmarks.c.id).where(benchmarks.c.name.in_(wanted))).all()
    )
    connection.execute(
        results.insert(),
        [
            {
                "run_id": run_id,
                "benchmark_id": ids[b.name],
                "status": b.status,
                "reason": b.reason,
                "median": b.median,
            }
            for b in entry.benchmarks
        ],
    )
    result_ids = dict(
        connection.execute(sa.select(results.c.benchmark_id, results.c.id).where(results.c.run_id == run_id)).all()
    )
    rows = [
        {
            "result_id": result_ids[ids[b.name]],
            "repetition": index,
            "process": process,
            "value": value,
            "counters": json.dumps(counters, sort_keys=True, separators=(",", ":")),
        }
        for b in entry.benchmarks
        for index, (value, process, counters) in enumerate(b.repetitions)
    ]
    if rows:
        connection.execute(repetitions.insert(), rows)
    return Recorded(run_id, True, len(entry.benchmarks))


def _run_of(row, counts) -> Run:
    total, failed, skipped = counts.get(row.id, (0, 0, 0))
    return Run(
        row.id,
        row.label,
        row.commit,
        row.ref,
        row.date,
        row.machine_class,
        row.measure,
        row.profile,
        bool(row.partial),
        row.yb_version,
        json.loads(row.context),
        json.loads(row.meta),
        total,
        failed,
        skipped,
    )


def _runs(connection, machine_class, measure, limit, key) -> list:
    runs, results = schema.runs, schema.results
    query = sa.select(runs)
    if machine_class:
        query = query.where(runs.c.machine_class == machine_class)
    if measure:
        query = query.where(runs.c.measure == measure)
    if key is not None:
        if key == "latest":
            query = query.order_by(runs.c.date.desc(), runs.c.id.desc()).limit(1)
        elif str(key).isdigit():
            query = query.where(runs.c.id == int(key))
        else:
            query = query.where(runs.c.label == key)
    elif limit:
        query = query.order_by(runs.c.date.desc(), runs.c.id.desc()).limit(limit)
    found = sorted(connection.execute(query).all(), key=lambda row: (row.date, row.id))
    if not found:
        return []
    ids = [row.id for row in found]
    counts = {}
    status_counts = connection.execute(
        sa.select(results.c.run_id, results.c.status, sa.func.count())
        .where(results.c.run_id.in_(ids) if len(ids) < 1000 else sa.true())
        .group_by(results.c.run_id, results.c.status)
    )
    for run_id, status, count in status_counts:
        total, failed, skipped = counts.get(run_id, (0, 0, 0))
        counts[run_id] = (
            total + count,
            failed + (count if status == "failed" else 0),
            skipped + (count if status == "skipped" else 0),
        )
    return [_run_of(row, counts) for row in found]


def _results_of(connection, run_id: int) -> list:
    benchmarks, results, repetitions = schema.benchmarks, schema.results, schema.repetitions
    rows = connection.execute(
        sa.select(results.c.id, benchmarks.c.name, results.c.status, results.c.reason, results.c.median)
        .join(benchmarks, benchmarks.c.id == results.c.benchmark_id)
        .where(results.c.run_id == run_id)
        .order_by(benchmarks.c.name)
    ).all()
    values = {}
    for result_id, value in connection.execute(
        sa.select(repetitions.c.result_id, repetitions.c.value)
        .join(results, results.c.id == repetitions.c.result_id)
        .where(results.c.run_id == run_id)
        .order_by(repetitions.c.result_id, repetitions.c.repetition)
    ):
        values.setdefault(result_id, []).append(value)
    return [(row.name, row.status, row.reason, row.median, values.get(row.id, [])) for row in rows]


def _classes(connection) -> list:
    runs = schema.runs
    rows = connection.execute(
        sa.select(runs.c.machine_class, runs.c.measure, sa.func.count(), sa.func.max(runs.c.date)).group_by(
            runs.c.machine_class, runs.c.measure
        )
    ).all()
    return [(row[0], row[1], row[2]) for row in sorted(rows, key=lambda row: row[3], reverse=True)]


def _names(connection, machine_class: str, measure: str) -> list:
    runs, benchmarks, results = schema.runs, schema.benchmarks, schema.results
    return list(
        connection.execute(
            sa.select(benchmarks.c.name)
            .where(
                benchmarks.c.id.in_(
                    sa.select(results.c.benchmark_id)
                    .join(runs, runs.c.id == results.c.run_id)
                    .where(runs.c.machine_class == machine_class, runs.c.measure == measure)
                )
            )
            .order_by(benchmarks.c.name)
        ).scalars()
    )


def _trend(connection, name: str, machine_class: str, measure: str, counter) -> list:
    runs, benchmarks, results, repetitions = schema.runs, schema.benchmarks, schema.results, schema.repetitions
    benchmark_id = connection.execute(sa.select(benchmarks.c.id).where(benchmarks.c.name == name)).scalar()
    if benchmark_id is None:
        return []
    rows = connection.execute(
        sa.select(results.c.id, results.c.median, runs.c.id, runs.c.label, runs.c.date, runs.c.commit)
        .join(runs, runs.c.id == results.c.run_id)
        .where(
            results.c.benchmark_id == benchmark_id,
            results.c.status == "ok",
            runs.c.machine_class == machine_class,
            runs.c.measure == measure,
        )
        .order_by(runs.c.date, runs.c.id)
    ).all()
    column = repetitions.c.value if counter is None else repetitions.c.counters
    values = {}
    for result_id, value in connection.execute(
        sa.select(repetitions.c.result_id, column)
        .join(results, results.c.id == repetitions.c.result_id)
        .join(runs, runs.c.id == results.c.run_id)
        .where(
            results.c.benchmark_id == benchmark_id,
            runs.c.machine_class == machine_class,
            runs.c.measure == measure,
        )
        .order_by(repetitions.c.result_id, repetitions.c.repetition)
    ):
        if counter is not None:
            value = json.loads(value).get(counter)
        if value is not None:
            values.setdefault(result_id, []).append(value)
    points = []
    for result_id, median, run_id, label, date, commit in rows:
        found = values.get(result_id, [])
        if counter is not None:
            median = _median(found)
        if median is not None:
            points.append(Point(run_id, label, date, commit, median, found))
    return points


def _median(values: list):
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _medians(connection, machine_class: str, measure: str, names) -> dict:
    runs, benchmarks, results = schema.runs, schema.benchmarks, schema.results
    query = (
        sa.select(benchmarks.c.name, runs.c.id, runs.c.label, runs.c.date, runs.c.commit, results.c.median)
        .join(results, results.c.benchmark_id == benchmarks.c.id)
        .join(runs, runs.c.id == results.c.run_id)
        .where(runs.c.machine_class == machine_class, runs.c.measure == measure, results.c.status == "ok")
        .order_by(runs.c.date, runs.c.id)
    )
    if names is not None:
        query = query.where(benchmarks.c.name.in_(list(names)))
    series = {}
    for name, run_id, label, date, commit, median in connection.execute(query):
        if median is not None:
            series.setdefault(name, []).append(Point(run_id, label, date, commit, median))
    return series


def _recent(connection, machine_class: str, measure: str, names, last: int) -> dict:
    runs, benchmarks, results, repetitions = schema.runs, schema.benchmarks, schema.results, schema.repetitions
    chosen = (
        sa.select(runs.c.id)
        .where(runs.c.machine_class == machine_class, runs.c.measure == measure)
        .order_by(runs.c.date.desc(), runs.c.id.desc())
        .limit(last)
    )
    run_ids = list(connection.execute(chosen).scalars())
    if not run_ids:
        return {}
    query = (
        sa.select(
            results.c.id, benchmarks.c.name, runs.c.id, runs.c.label, runs.c.date, runs.c.commit, results.c.median
        )
        .join(benchmarks, benchmarks.c.id == results.c.benchmark_id)
        .join(runs, runs.c.id == results.c.run_id)
        .where(results.c.run_id.in_(run_ids), results.c.status == "ok")
        .order_by(runs.c.date, runs.c.id)
    )
    if names is not None:
        wanted = set(names)
    rows = [row for row in connection.execute(query) if names is None or row[1] in wanted]
    values = {}
    for result_id, value in connection.execute(
        sa.select(repetitions.c.result_id, repetitions.c.value)
        .join(results, results.c.id == repetitions.c.result_id)
        .where(results.c.run_id.in_(run_ids))
        .order_by(repetitions.c.result_id, repetitions.c.repetition)
    ):
        if value is not None:
            values.setdefault(result_id, []).append(value)
    series = {}
    for result_id, name, run_id, label, date, commit, median in rows:
        if median is not None:
            series.setdefault(name, []).append(Point(run_id, label, date, commit, median, values.get(result_id, [])))
    return series
