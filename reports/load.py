"""Reading results files: JSON checks with one-line problems, benchmark names split as DESIGN.md says,
repetitions and aggregates gathered per run_name."""
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ReportError
from .model import Benchmark, ResultsFile
from .units import to_ns

# Segments Google Benchmark itself appends to a name (Arg values, Repetitions(), UseRealTime() ...).
GB_SUFFIX_WORDS = {"real_time", "manual_time", "process_time"}
GB_SUFFIX_KEYS = {"repeats", "min_time", "min_warmup_time", "iterations"}
# Fields of a benchmark entry that are bookkeeping, not measurements.
NOT_METRICS = {
    "family_index",
    "per_family_instance_index",
    "repetitions",
    "repetition_index",
    "threads",
    "iterations",
    "real_time",
    "cpu_time",
    "json_schema_version",
    "error_occurred",
    "skipped",
}
AGGREGATE_SUFFIXES = ("_mean", "_median", "_stddev", "_cv")

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_.+-]*")
_PARAM = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*):(.+)")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CUT_TOKEN = re.compile(r"[A-Za-z0-9_.+\-]*")
_DIGITS = re.compile(r"[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Name:
    family: str
    workload: str
    impl: str
    params: tuple  # ((key, value), ...)


def parse_name(name: str):
    """`family/workload/implementation/param:value[/...]` -> Name, or None for any other name.
    Suffixes Google Benchmark adds itself (`/repeats:3`, `/real_time`, bare Arg numbers) are dropped."""
    if not isinstance(name, str):
        return None
    parts = name.split("/")
    if len(parts) < 3 or not all(_IDENT.fullmatch(p) for p in parts[:3]):
        return None
    params = []
    for part in parts[3:]:
        match = _PARAM.fullmatch(part)
        if match:
            if match.group(1) not in GB_SUFFIX_KEYS:
                params.append((match.group(1), match.group(2)))
        elif part not in GB_SUFFIX_WORDS and not _NUMBER.fullmatch(part):
            return None
    return Name(parts[0], parts[1], parts[2], tuple(params))


def read_json(path) -> dict:
    """The parsed top-level object of a results file, or ReportError naming what is wrong."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ReportError(path, "no such file") from None
    except IsADirectoryError:
        raise ReportError(path, "is a folder, not a results file") from None
    except PermissionError:
        raise ReportError(path, "cannot read (permission denied)") from None
    except OSError as exc:
        raise ReportError(path, f"cannot read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ReportError(path, "empty file (no JSON)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReportError(path, "not JSON (not UTF-8 text)") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        end = len(text.rstrip())
        tail = text[exc.pos : end]
        if exc.pos >= end or exc.msg.startswith("Unterminated string") or _CUT_TOKEN.fullmatch(tail):
            raise ReportError(path, f"truncated JSON (line {text.count(chr(10), 0, end) + 1})") from None
        raise ReportError(path, f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ReportError(path, "not JSON (nested too deeply)") from None
    if not isinstance(doc, dict):
        kind = "an array" if isinstance(doc, list) else type(doc).__name__
        raise ReportError(path, f"not Google Benchmark JSON (the top level is {kind}, not an object)")
    if "benchmarks" not in doc:
        raise ReportError(path, 'no "benchmarks" array (not Google Benchmark JSON output)')
    if not isinstance(doc["benchmarks"], list):
        raise ReportError(path, '"benchmarks" is not an array')
    return doc


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _measurements(entry: dict, notes: list) -> dict:
    """The numeric measurements of one entry; times as time_ns / cpu_time_ns. NaN/inf count as absent."""
    found = {}
    for key, value in entry.items():
        if key in NOT_METRICS:
            continue
        number = _number(value)
        if number is not None:
            found[key] = number
    percentage = entry.get("aggregate_unit") == "percentage"
    unit = entry.get("time_unit", "ns")
    for field, key in (("real_time", "time_ns"), ("cpu_time", "cpu_time_ns")):
        number = _number(entry.get(field))
        if number is None:
            continue
        if percentage:
            found[key] = number
            continue
        ns = to_ns(number, unit)
        if ns is None:
            note = f"unknown time_unit {unit!r}: times of those benchmarks are not shown"
            if note not in notes:
                notes.append(note)
        else:
            found[key] = ns
    return found


def _run_name(entry: dict):
    name = entry.get("run_name")
    if isinstance(name, str) and name:
        return name
    name = entry.get("name")
    if not isinstance(name, str):
        return None
    if entry.get("run_type") == "aggregate":
        for suffix in AGGREGATE_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def _failure(entry: dict):
    """The error or skip message of an entry, or None when it ran."""
    message = entry.get("error_message") or entry.get("skip_message")
    if entry.get("error_occurred") is True:
        return message or "error (no message)"
    skipped = entry.get("skipped")
    if skipped not in (None, False, "", 0, "NotSkipped"):
        return message or (f"skipped ({skipped})" if isinstance(skipped, str) else "skipped")
    return None


def _shape(label: str) -> str:
    return _DIGITS.sub("#", label)


def file_label(path, meta: dict) -> str:
    run_id = meta.get("run_id")
    if isinstance(run_id, str) and run_id:
        return run_id
    p = Path(path)
    return p.parent.name if p.stem == "results" and p.parent.name else p.stem


def load_results(path, index: int = 0) -> ResultsFile:
    """Read one results file. Raises ReportError for anything a report cannot be drawn from."""
    doc = read_json(path)
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    meta = doc.get("yieldbench") if isinstance(doc.get("yieldbench"), dict) else {}
    noise = meta.get("noise") if isinstance(meta.get("noise"), dict) else {}
    results = ResultsFile(str(path), file_label(path, meta), context, meta, [])
    benches = {}
    for entry in doc["benchmarks"]:
        if not isinstance(entry, dict):
            continue
        run_name = _run_name(entry)
        name = parse_name(run_name)
        if name is None:
            if run_name not in results.ignored:
                results.ignored.append(str(run_name))
            continue
        bench = benches.get(run_name)
        if bench is None:
            bench = Benchmark(run_name, name.family, name.workload, name.impl, name.params, index)
            entry_noise = noise.get(run_name)
            bench.noise = entry_noise if isinstance(entry_noise, dict) else None
            benches[run_name] = bench
        label = entry.get("label")
        if isinstance(label, str) and label and _shape(label) not in {_shape(x) for x in bench.labels}:
            bench.labels.append(label)  # repetitions' labels that differ only in numbers are said once
        failure = _failure(entry)
        if failure is not None:
            bench.error = bench.error or failure
            continue
        values = _measurements(entry, results.notes)
        if entry.get("run_type", "iteration") == "aggregate":
            aggregate = entry.get("aggregate_name")
            if isinstance(aggregate, str):
                bench.aggregates.setdefault(aggregate, {}).update(values)
        else:
            for key, value in values.items():
                bench.samples.setdefault(key, []).append(value)
    if not benches:
        if not doc["benchmarks"]:
            raise ReportError(path, 'no yieldbench-named benchmarks (the "benchmarks" array is empty)')
        example = f"; found e.g. {results.ignored[0]!r}" if results.ignored else ""
        raise ReportError(
            path, "no yieldbench-named benchmarks (expected " f"family/workload/implementation/param:value{example})"
        )
    results.benchmarks = list(benches.values())
    return results


def load_all(paths: list) -> list:
    """Every file, in order; the first bad one raises ReportError before anything is written."""
    files = [load_results(path, i) for i, path in enumerate(paths)]
    seen = {}
    for results in files:
        base = results.label
        n = seen.get(base, 0) + 1
        seen[base] = n
        if n > 1:
            results.label = f"{base} ({n})"
    return files
