"""results.csv: the benchmarks of a results document as one table, for spreadsheets and data frames.

One row per benchmark and repetition (Google Benchmark's iteration entries, and one row per entry of a benchmark
that was skipped or failed); aggregates (mean, median, stddev, cv) are left out, being derived from the rows.
Columns: the name and its parts, the item noun, repetition and process, status (ok, skipped, failed; unreadable
for an entry the reader refuses) and its message, then every measured value as in the model (times in ns as
`time_ns` and `cpu_time_ns`, or `instructions`), `ns_per_item`, and the counters: registered ones in registry
order, others by name. A value not measured is an empty cell."""
import csv
import io

from . import counters, items, model, names, progress
from .errors import ResultsError
from .write import write_text

NAME_COLUMNS = (
    "name",
    "family",
    "workload",
    "implementation",
    "params",
    "item",
    "repetition_index",
    "process_index",
    "iterations",
    "status",
    "message",
)
LEADING_VALUES = ("time_ns", "cpu_time_ns", "instructions", "ns_per_item")


def _status(entry: dict):
    failure = model.entry_failure(entry)
    if failure is None:
        return "ok", ""
    return ("skipped" if failure.startswith(progress.SKIPPED) else "failed"), failure


def rows(document: dict, where="results") -> list:
    """[{column: value}] for every non-aggregate entry, in file order."""
    counts_instructions = model.measure_of(document) == "instructions"
    nouns = items.nouns(document)
    found = []
    for entry in document.get("benchmarks", []):
        if not isinstance(entry, dict) or entry.get("run_type", "iteration") == "aggregate":
            continue
        run_name = names.run_name(entry) or ""
        name = names.parse_name(run_name)
        status, message = _status(entry)
        row = {
            "name": run_name,
            "family": name.family if name else "",
            "workload": name.workload if name else "",
            "implementation": name.implementation if name else "",
            "params": "/".join(f"{k}:{v}" for k, v in name.params) if name else "",
            "item": items.noun_of(nouns, name.family, name.workload) if name else "",
            "repetition_index": entry.get("repetition_index", ""),
            "process_index": entry.get("process_index", ""),
            "iterations": entry.get("iterations", ""),
            "status": status,
            "message": message,
        }
        if status == "ok":
            try:
                values = model.entry_values(entry, where, run_name, counts_instructions)
            except ResultsError as error:  # the CSV never costs the run its results.json
                row.update(status="unreadable", message=str(error))
                found.append(row)
                continue
            per_item = None if counts_instructions else items.ns_per_item(values.get("items_per_second"))
            if per_item is not None:
                values[items.TIME_PER_ITEM] = per_item
            row.update(values)
        found.append(row)
    return found


def columns(found: list) -> list:
    present = set().union(*(row.keys() for row in found)) if found else set()
    values = present - set(NAME_COLUMNS)
    leading = [key for key in LEADING_VALUES if key in values]
    registered = [key for key in counters.REGISTRY if key in values and key not in leading]
    rest = sorted(values - set(leading) - set(registered))
    return list(NAME_COLUMNS) + leading + registered + rest


def text(document: dict, where="results") -> str:
    found = rows(document, where)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(found), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(found)
    return out.getvalue()


def write(path, document: dict) -> None:
    """Writes the CSV of `document` to `path` atomically, as results.json is written."""
    write_text(path, text(document, path))
