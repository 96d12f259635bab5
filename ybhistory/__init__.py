"""ybhistory: the results history, a database of every run (`yieldbench run`, `ci`, `history import`).

  schema   the tables, the schema version and migrations (SQLAlchemy Core: SQLite and PostgreSQL alike)
  store    open (one-line HistoryError for an unreachable, corrupt or newer database), record, query
  record   what a run puts in, built from ybresults' model (the one reader of results files)
  changes  change points: PELT with a penalty over each benchmark's medians
  trend    trend charts: median and spread per run, one chart per workload, change points marked
  export   CSV, github-action-benchmark's customSmallerIsBetter, Bencher's metric format
  scale    `python3 -m ybhistory.scale`: a synthetic 1,000-run history, its size and speed

SQLAlchemy is imported here, so only the commands that use the history need it."""
from .errors import HistoryError
from .record import RunRecord, from_results, primary
from .schema import SCHEMA_VERSION
from .store import ENV, Point, Recorded, Run, Store, shown, url_for

__all__ = [
    "ENV",
    "HistoryError",
    "Point",
    "Recorded",
    "Run",
    "RunRecord",
    "SCHEMA_VERSION",
    "Store",
    "from_results",
    "primary",
    "shown",
    "url_for",
]
