"""A results file as its readers use it: one Benchmark per run_name with its repetitions' measurements
(finite numbers only, times in nanoseconds), its aggregates, error or skip, labels and noise verdict."""
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from . import counters, document, items, names, progress
from .errors import ResultsError
from .units import TIME_UNIT_NS

INSTRUCTION_UNIT = "Ir"  # callgrind's name for executed instructions: instruction mode's time_unit


@dataclass
class Benchmark:
    run_name: str
    name: names.Name
    repetitions: list = field(default_factory=list)  # per iteration entry: {counter: value}, in file order
    processes: list = field(default_factory=list)  # per repetition: the process (executable start) it ran in
    aggregates: dict = field(default_factory=dict)  # aggregate name (mean, median, stddev, cv) -> {counter: value}
    error: str = None  # the error or skip message when it did not run
    labels: list = field(default_factory=list)
    noise: dict = None  # the runner's verdict: {"repetitions", "cv", "unstable"}
    omitted: dict = field(default_factory=dict)  # counter -> why a value was left out
    item: str = items.DEFAULT_NOUN  # what one operation is made of, named by its workload (items.py)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def skipped(self) -> bool:
        return self.error is not None and self.error.startswith(progress.SKIPPED)

    @property
    def ns_per_item(self):
        """Median time per item (from items_per_second), or None where the benchmark declares no items or
        its time is not wall time (instruction mode)."""
        if self.median("instructions") is not None:
            return None
        return items.ns_per_item(self.median("items_per_second"))

    def samples(self, counter: str) -> list:
        """The counter's value in each repetition that has it."""
        return [values[counter] for values in self.repetitions if counter in values]

    def median(self, counter: str):
        """Median over repetitions, else the median (then mean) aggregate, else None."""
        values = self.samples(counter)
        if values:
            return statistics.median(values)
        for aggregate in ("median", "mean"):
            value = self.aggregates.get(aggregate, {}).get(counter)
            if value is not None:
                return value
        return None


@dataclass
class Results:
    path: str
    document: dict
    benchmarks: dict  # run_name -> Benchmark, in the order of the file
    ignored: list = field(default_factory=list)  # names that are not yieldbench names

    @property
    def context(self) -> dict:
        return self.document.get("context") or {}

    @property
    def meta(self) -> dict:
        """The `yieldbench` block ({} for plain Google Benchmark output)."""
        return self.document.get("yieldbench") or {}

    @property
    def measure(self) -> str:
        return measure_of(self.document)

    @property
    def partial(self) -> bool:
        return self.meta.get("partial") is True

    @property
    def failures(self) -> list:
        failures = self.meta.get("failures")
        return failures if isinstance(failures, list) else []

    @property
    def unavailable(self) -> list:
        """The run context's `unavailable_metrics`, one reason per item."""
        text = self.context.get("unavailable_metrics")
        if not isinstance(text, str):
            return []
        return [part.strip() for part in text.split(";") if part.strip()]

    @property
    def label(self) -> str:
        """A short name for the run: its id, else its folder (results.json) or file name."""
        run_id = self.meta.get("run_id")
        if isinstance(run_id, str) and run_id:
            return run_id
        path = Path(self.path)
        return path.parent.name if path.stem == "results" and path.parent.name else path.stem


def measure_of(doc: dict) -> str:
    """'time' or 'instructions' (files from before the mode existed: time)."""
    meta = doc.get("yieldbench") if isinstance(doc.get("yieldbench"), dict) else {}
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    return meta.get("measure") or context.get("yb_measure") or "time"


def load(path) -> Results:
    """Reads a results (or baseline) file; anything that breaks the contract is a ResultsError naming it."""
    return from_document(document.read(path), path)


def from_document(doc: dict, where) -> Results:
    """The Results of a document already read (document.read or document.check_shape)."""
    meta = doc.get("yieldbench") or {}
    verdicts = meta.get("noise") if isinstance(meta.get("noise"), dict) else {}
    counts_instructions = measure_of(doc) == "instructions"
    results = Results(str(where), doc, {})
    nouns = items.nouns(doc)
    for index, entry in enumerate(doc["benchmarks"]):
        if not isinstance(entry, dict):
            raise ResultsError(where, f"benchmark entry {index} is not an object")
        run_name = names.run_name(entry)
        if run_name is None:
            raise ResultsError(where, f"benchmark entry {index} has no name")
        if "run_name" in entry and not isinstance(entry["run_name"], str):
            raise ResultsError(where, f"benchmark entry {index} has a run_name that is not a string")
        name = names.parse_name(run_name)
        if name is None:
            if run_name not in results.ignored:
                results.ignored.append(run_name)
            continue
        bench = results.benchmarks.get(run_name)
        if bench is None:
            noise = verdicts.get(run_name)
            bench = results.benchmarks[run_name] = Benchmark(
                run_name,
                name,
                noise=noise if isinstance(noise, dict) else None,
                item=items.noun_of(nouns, name.family, name.workload),
            )
        label = entry.get("label")
        if isinstance(label, str) and label and label not in bench.labels:
            bench.labels.append(label)
        if isinstance(entry.get("omitted"), dict):
            bench.omitted.update({key: str(why) for key, why in entry["omitted"].items()})
        failure = entry_failure(entry)
        if failure is not None:
            bench.error = bench.error or failure
            continue
        values = entry_values(entry, where, run_name, counts_instructions)
        if entry.get("run_type", "iteration") == "aggregate":
            aggregate = entry.get("aggregate_name")
            if isinstance(aggregate, str):
                bench.aggregates.setdefault(aggregate, {}).update(values)
        else:
            bench.repetitions.append(values)
            process = entry.get("process_index", 0)
            bench.processes.append(process if isinstance(process, int) and not isinstance(process, bool) else 0)
    return results


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def entry_failure(entry: dict):
    """The error or skip message of an entry, or None when it ran."""
    message = entry.get("error_message") or entry.get("skip_message")
    if entry.get("error_occurred") is True:
        return str(message or "error (no message)")
    skipped = entry.get("skipped")
    if skipped == "skipped_with_message":  # Google Benchmark 1.8's own skip: a skip, whatever its message says
        text = str(message or "no reason given")
        return text if text.startswith(progress.SKIPPED) else progress.SKIPPED + text
    if skipped not in (None, False, "", 0, "NotSkipped"):
        return str(message or (f"skipped ({skipped})" if isinstance(skipped, str) else "skipped"))
    return None


def entry_values(entry: dict, where, run_name: str, counts_instructions: bool) -> dict:
    """The entry's finite numbers by counter name; real_time and cpu_time as time_ns and cpu_time_ns (or,
    in instruction mode, real_time as instructions, whatever its time_unit says)."""
    found = {}
    for key, value in entry.items():
        if key in counters.BOOKKEEPING or key in ("real_time", "cpu_time"):
            continue
        number = _number(value)
        if number is not None:
            found[key] = number
    unit = entry.get("time_unit", "ns")
    real, cpu = _number(entry.get("real_time")), _number(entry.get("cpu_time"))
    is_aggregate = entry.get("run_type", "iteration") == "aggregate"
    if not is_aggregate and "real_time" not in entry:
        raise ResultsError(where, f"benchmark '{run_name}' has no real_time")
    omitted = entry.get("omitted") if isinstance(entry.get("omitted"), dict) else {}
    if not is_aggregate and real is None and "real_time" not in omitted:
        raise ResultsError(where, f"benchmark '{run_name}' has a real_time that is not a number")
    if entry.get("aggregate_unit") == "percentage":
        factor = 1.0  # a coefficient of variation: a ratio, whatever the time unit
    elif counts_instructions or unit == INSTRUCTION_UNIT:
        if real is not None:
            found["instructions"] = real
        return found
    elif isinstance(unit, str) and unit in TIME_UNIT_NS:
        factor = TIME_UNIT_NS[unit]
    else:
        raise ResultsError(where, f"benchmark '{run_name}' has an unknown time_unit {unit!r}")
    if real is not None:
        found["time_ns"] = real * factor
    if cpu is not None:
        found["cpu_time_ns"] = cpu * factor
    return found
