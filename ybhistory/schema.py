"""The history's tables (SQLAlchemy Core, the same on SQLite and PostgreSQL), its schema version and migrations.

  yb_schema_version  one row: the version of these tables
  yb_runs            one row per recorded run: commit, ref, date, machine class, measure, profile, context
  yb_benchmarks      one row per benchmark name ever recorded (names are long; runs share them)
  yb_results         one row per benchmark of a run: ok, skipped or failed (with the reason), and the median
                     of the primary metric (time_ns, or instructions in instruction mode) so trends need no
                     second pass
  yb_repetitions     one row per repetition: the primary metric, and every counter as a JSON object

Every counter of a repetition is kept, as one JSON object, not as a row per counter: a run of the whole suite
is about 1,300 repetitions of about 20 counters, and one row per counter would make the database 3x larger
for queries nobody makes across counters. Trends read the primary metric's column.

A migration takes the database from version N-1 to N inside the one transaction that checks the version, so
two processes opening a new database at once cannot both create it (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
advisory lock). A database with a newer version than SCHEMA_VERSION is refused, never touched."""
import sqlalchemy as sa

SCHEMA_VERSION = 1
ADVISORY_LOCK = 0x79625F68  # "yb_h": serialises migrations on PostgreSQL

metadata = sa.MetaData()

schema_version = sa.Table("yb_schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

runs = sa.Table(
    "yb_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_key", sa.String(400), nullable=False, unique=True),  # run id @ date: an import is idempotent
    sa.Column("label", sa.String(200), nullable=False),  # the run id (results/<run-id>/)
    sa.Column("commit", sa.String(64), nullable=False),
    sa.Column("ref", sa.String(400), nullable=False),  # branch or ref ("" when unknown)
    sa.Column("date", sa.String(40), nullable=False),  # UTC, ISO 8601: sorts as text
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("machine_class", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(20), nullable=False),
    sa.Column("profile", sa.String(40), nullable=False),
    sa.Column("partial", sa.Boolean, nullable=False),
    sa.Column("yb_version", sa.String(40), nullable=False),
    sa.Column("context", sa.Text, nullable=False),  # the run context, JSON
    sa.Column("meta", sa.Text, nullable=False),  # the yieldbench block (failures, command, ...), JSON
    sa.Index("yb_runs_class", "machine_class", "measure", "date"),
)

benchmarks = sa.Table(
    "yb_benchmarks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(400), nullable=False, unique=True),
    sa.Column("family", sa.String(100), nullable=False),
    sa.Column("workload", sa.String(100), nullable=False),
    sa.Column("implementation", sa.String(100), nullable=False),
)

results = sa.Table(
    "yb_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("yb_runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("benchmark_id", sa.Integer, sa.ForeignKey("yb_benchmarks.id"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # ok, skipped, failed
    sa.Column("reason", sa.Text),  # the skip or failure message
    sa.Column("median", sa.Float),  # of the primary metric over the repetitions
    sa.UniqueConstraint("run_id", "benchmark_id", name="yb_results_once"),
    sa.Index("yb_results_benchmark", "benchmark_id", "run_id"),
)

repetitions = sa.Table(
    "yb_repetitions",
    metadata,
    sa.Column("result_id", sa.Integer, sa.ForeignKey("yb_results.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("repetition", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("process", sa.Integer, nullable=False),
    sa.Column("value", sa.Float),  # the primary metric
    sa.Column("counters", sa.Text, nullable=False),  # every counter of the repetition, JSON
)


def _create_v1(connection) -> None:
    metadata.create_all(connection, tables=[runs, benchmarks, results, repetitions])


# version -> the step from version - 1. A new version adds a step here (ALTER TABLE ... through Core or
# op-free SQL that both engines take) and raises SCHEMA_VERSION.
MIGRATIONS = {1: _create_v1}
