"""The history out of the database: CSV for spreadsheets, and the JSON shapes dashboards read.

  csv                    one row per repetition of every benchmark of every run (failures and skips one row,
                         with the reason), oldest run first
  customSmallerIsBetter  github-action-benchmark's input: one run, [{"name", "unit", "value", "range", "extra"}]
  bencher                Bencher Metric Format: one run, {name: {measure: {"value", "lower_value", "upper_value"}}}"""
import csv
import io
import json

from .record import primary

SHAPES = ("customSmallerIsBetter", "bencher")
CSV_COLUMNS = (
    "run",
    "label",
    "date",
    "commit",
    "ref",
    "machine_class",
    "measure",
    "profile",
    "benchmark",
    "status",
    "reason",
    "median",
    "repetition",
    "value",
)


def _unit(measure: str) -> str:
    return "instructions" if measure == "instructions" else "ns"


def to_csv(store, runs: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for run in runs:
        head = [run.id, run.label, run.date, run.commit, run.ref, run.machine_class, run.measure, run.profile]
        for name, status, reason, median, values in store.results_of(run.id):
            if not values:
                writer.writerow([*head, name, status, reason or "", _number(median), "", ""])
            for index, value in enumerate(values):
                writer.writerow([*head, name, status, reason or "", _number(median), index, _number(value)])
    return out.getvalue()


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def _range(values: list) -> tuple:
    return (min(values), max(values)) if values else (None, None)


def to_json(store, run, shape: str) -> str:
    """One run in a dashboard's shape (failed and skipped benchmarks are left out: they have no value)."""
    rows = [row for row in store.results_of(run.id) if row[1] == "ok" and row[3] is not None]
    unit = _unit(run.measure)
    if shape == "customSmallerIsBetter":
        entries = []
        for name, _status, _reason, median, values in rows:
            low, high = _range(values)
            entry = {"name": name, "unit": unit, "value": median}
            if values:
                entry["range"] = f"±{max(high - median, median - low):.6g}"
            entry["extra"] = (
                f"{len(values)} repetitions; commit {run.commit[:12]}; {run.machine_class}; "
                f"{primary(run.measure)} median"
            )
            entries.append(entry)
        return json.dumps(entries, indent=1) + "\n"
    if shape == "bencher":
        measure = "instructions" if run.measure == "instructions" else "latency"
        document = {}
        for name, _status, _reason, median, values in rows:
            low, high = _range(values)
            metric = {"value": median}
            if values:
                metric["lower_value"], metric["upper_value"] = low, high
            document[name] = {measure: metric}
        return json.dumps(document, indent=1) + "\n"
    raise ValueError(f"unknown shape {shape!r} (known: {', '.join(SHAPES)})")
