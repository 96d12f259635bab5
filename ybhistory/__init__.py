"""ybhistory: the results history, a database of every run (`yieldbench run`, `ci`, `history import`).

  schema   the tables, the schema version and migrations (SQLAlchemy Core: SQLite and PostgreSQL alike)
  store    open (one-line HistoryError for an unreachable, corrupt or newer database), record, query
  record   what a run puts in, built from ybresults' model (the one reader of results files)
  changes  change points: PELT with a penalty over each benchmark's medians
  trend    trend charts: median and spread per run, one chart per workload, change points marked
  export   CSV, github-action-benchmark's customSmallerIsBetter, Bencher's metric format
  scale    `python3 -m ybhistory.scale`: a synthetic 1,000-run history, its size and speed

SQLAlchemy (half a second to import) is imported on first use of a name below, not by `import ybhistory` nor
by ybhistory.errors: every yieldbench command knows HistoryError, only the history's users pay for SQLAlchemy."""
import importlib

from .errors import HistoryError

_LAZY = {
    "RunRecord": "record",
    "from_results": "record",
    "primary": "record",
    "SCHEMA_VERSION": "schema",
    "ENV": "store",
    "Point": "store",
    "Recorded": "store",
    "Run": "store",
    "Store": "store",
    "shown": "store",
    "url_for": "store",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in ("schema", "store", "record", "changes", "trend", "export", "scale"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ybhistory' has no attribute '{name}'")


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
