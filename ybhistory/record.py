"""What one run puts into the history, built from ybresults' model (the one reader of results files): the
run's identity and context, and per benchmark its status, every repetition and every counter."""
import datetime
from dataclasses import dataclass, field

import ybresults


@dataclass(frozen=True)
class BenchmarkRecord:
    name: str
    family: str
    workload: str
    implementation: str
    status: str  # ok, skipped, failed
    reason: str  # the skip or failure message, None when it ran
    median: float  # of the primary metric; None when it did not run
    repetitions: tuple = ()  # (primary value, process, {counter: value}) per repetition


@dataclass(frozen=True)
class RunRecord:
    run_key: str
    label: str
    commit: str
    ref: str
    date: str
    machine_class: str
    measure: str
    profile: str
    partial: bool
    yb_version: str
    context: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    benchmarks: tuple = ()


def primary(measure: str) -> str:
    """The counter trends and change points read: instructions in instruction mode, else wall time."""
    return "instructions" if measure == "instructions" else "time_ns"


def utc(text) -> str:
    """A context date (Google Benchmark writes local time with its offset) as UTC ISO 8601, or '' if none."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_results(results: ybresults.Results, machine_class: str, ref: str = "", recorded_at: str = None) -> RunRecord:
    """The record of a results file: `machine_class` and `ref` come from the caller (the CLI knows them)."""
    meta, context = results.meta, results.context
    measure = results.measure
    counter = primary(measure)
    date = utc(context.get("date")) or recorded_at or ""
    benches = []
    for bench in results.benchmarks.values():
        if bench.failed:
            status = "skipped" if bench.skipped else "failed"
            benches.append(
                BenchmarkRecord(
                    bench.run_name,
                    bench.name.family,
                    bench.name.workload,
                    bench.name.implementation,
                    status,
                    bench.error,
                    None,
                )
            )
            continue
        processes = bench.processes + [0] * (len(bench.repetitions) - len(bench.processes))
        repetitions = tuple(
            (values.get(counter), process, dict(values)) for values, process in zip(bench.repetitions, processes)
        )
        benches.append(
            BenchmarkRecord(
                bench.run_name,
                bench.name.family,
                bench.name.workload,
                bench.name.implementation,
                "ok",
                None,
                bench.median(counter),
                repetitions,
            )
        )
    kept_meta = {key: value for key, value in meta.items() if key != "noise"}
    commit = str(meta.get("commit") or context.get("git_commit") or "unknown")
    return RunRecord(
        run_key=f"{results.label}@{date}",
        label=results.label,
        commit=commit,
        ref=ref or "",
        date=date,
        machine_class=machine_class,
        measure=measure,
        profile=str(meta.get("profile") or ""),
        partial=results.partial,
        yb_version=str(meta.get("version") or context.get("yb_version") or ""),
        context=dict(context),
        meta=kept_meta,
        benchmarks=tuple(benches),
    )
