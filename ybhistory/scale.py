"""The history at scale: `/usr/bin/python3 -m ybhistory.scale [--runs 1000] [--benchmarks 431] [--history URL]`.

Builds a synthetic history of RUNS runs x BENCHMARKS benchmarks x 3 repetitions, every repetition with the
counters a real run reports (about 20), one benchmark with an injected +10% step at 60% of the runs; then
prints the database size, the time to record one more run (read from its results.json, as `yieldbench run`
records it), the time of one benchmark's trend over all the runs (the query, and the whole
`yieldbench history trend` command), and the change points found over the whole suite.

431 is the suite's size today (the family executables' --benchmark_list_tests)."""
import argparse
import math
import pathlib
import random
import subprocess
import sys
import tempfile
import time

import ybresults

from . import changes, record, store

COUNTERS = {
    "cpu_time_ns": 0.97,
    "items_per_second": None,
    "heap_allocs": 3.0,
    "heap_peak_bytes": 65536.0,
    "heap_total_bytes": 131072.0,
    "rss_peak_bytes": 262144.0,
    "ctx_voluntary": 0.02,
    "ctx_involuntary": 0.01,
    "ctx_switches": 0.03,
    "cpu_migrations": 0.001,
    "page_faults": 16.0,
    "page_faults_major": 0.0,
    "task_clock_ns": 0.99,
    "lat_p50_ns": 0.95,
    "lat_p90_ns": 1.1,
    "lat_p99_ns": 1.6,
    "lat_p999_ns": 2.4,
    "lat_max_ns": 9.0,
    "lat_samples": 20000.0,
}
STEPPED = "generators/sum_plus_one/impl000/n:1000"
STEP_AT, STEP = 0.6, 0.10


def suite(count: int) -> list:
    families = ("generators", "coroutines", "parallelism", "io")
    return [
        f"{families[i % 4]}/{'sum_plus_one' if i % 4 == 0 else f'workload{i % 7}'}/impl{i // 4:03d}/n:1000"
        for i in range(count)
    ]


def _repetitions(base: float, rng: random.Random) -> tuple:
    found = []
    for index in range(3):
        value = base * rng.lognormvariate(0, 0.02)
        counters = {"time_ns": value}
        for name, scale in COUNTERS.items():
            # as a real run has them: latency percentiles are histogram buckets (whole ns), counts per operation
            # and bytes mostly round numbers, rates and CPU times full doubles
            if scale is None:
                counters[name] = 1e9 / value
            elif name.startswith("lat_"):
                counters[name] = float(round(value * scale))
            else:
                counters[name] = value * scale if name.endswith("_ns") else scale
        found.append((value, index, counters))
    return tuple(found)


def synthetic_run(index: int, runs: int, names: list, bases: dict, rng: random.Random) -> record.RunRecord:
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + index * 3600))
    drift = rng.lognormvariate(0, 0.01)  # the machine's day: every benchmark moves a little together
    benches = []
    for name in names:
        base = bases[name] * drift * (1 + STEP if name == STEPPED and index >= STEP_AT * runs else 1)
        family, workload, implementation = name.split("/")[:3]
        reps = _repetitions(base, rng)
        median = sorted(value for value, _, _ in reps)[1]
        benches.append(record.BenchmarkRecord(name, family, workload, implementation, "ok", None, median, reps))
    label = f"synthetic-{index:05d}"
    return record.RunRecord(
        f"{label}@{date}",
        label,
        f"{index:08x}" * 5,
        "main",
        date,
        "scale-test",
        "time",
        "quick",
        False,
        "scale",
        {
            "num_cpus": 2,
            "hypervisor": "KVMKVMKVM",
            "cpu_model": "synthetic",
            "date": date,
            "git_commit": f"{index:08x}" * 5,
        },
        {"run_id": label, "profile": "quick", "command": "python3 -m ybhistory.scale"},
        tuple(benches),
    )


def results_document(entry: record.RunRecord) -> dict:
    """The run as a results file holds it (what `yieldbench run` writes, then records)."""
    entries = []
    for bench in entry.benchmarks:
        for value, index, counters in bench.repetitions:
            row = {"name": bench.name, "run_name": bench.name, "run_type": "iteration", "repetition_index": index}
            row.update({key: item for key, item in counters.items() if key not in ("time_ns", "cpu_time_ns")})
            row.update(real_time=value, cpu_time=counters["cpu_time_ns"], time_unit="ns", iterations=1000)
            entries.append(row)
    meta = {**entry.meta, "schema_version": ybresults.SCHEMA_VERSION, "measure": "time", "partial": False}
    return {"context": entry.context, "yieldbench": meta, "benchmarks": entries}


def _size(history) -> int:
    """The database's size in bytes: the SQLite file, or PostgreSQL's pg_database_size."""
    if history.dialect == "postgresql":
        import sqlalchemy as sa

        with history.engine.connect() as connection:
            return connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    return pathlib.Path(history.engine.url.database).stat().st_size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m ybhistory.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--benchmarks", type=int, default=431)
    parser.add_argument("--history", help="a database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="yb-history-scale-"))
    url = store.url_for(args.history or str(folder / "history.sqlite"), folder)
    names = suite(args.benchmarks)
    rng = random.Random(16)
    bases = {name: 10 ** rng.uniform(1, 7) for name in names}
    print(f"history {store.shown(url)}: {args.runs} runs x {len(names)} benchmarks x 3 repetitions")
    started = time.monotonic()
    with store.Store(url) as history:
        for index in range(args.runs):
            history.record(synthetic_run(index, args.runs + 1, names, bases, rng))
            if (index + 1) % 100 == 0:
                print(f"  {index + 1} runs recorded, {time.monotonic() - started:.0f} s", flush=True)
        filled = time.monotonic() - started

        one = synthetic_run(args.runs, args.runs + 1, names, bases, rng)
        results_file = folder / one.label / "results.json"
        ybresults.write(results_file, results_document(one))
        started = time.monotonic()
        results = ybresults.load(results_file)
        history.record(record.from_results(results, "scale-test", "main"))
        recorded = time.monotonic() - started

        timings = []
        for _ in range(5):
            started = time.monotonic()
            points = history.trend(STEPPED, "scale-test", "time")
            timings.append(time.monotonic() - started)
        started = time.monotonic()
        series = history.medians("scale-test", "time")
        found = changes.all_steps(series)
        changes_seconds = time.monotonic() - started
        size = _size(history)

    yieldbench = pathlib.Path(__file__).resolve().parents[1] / "scripts" / "yieldbench"
    command = [str(yieldbench), "history", "trend", STEPPED, "--history", url]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    command_seconds = time.monotonic() - started

    print(f"filled in {filled:.0f} s ({filled / args.runs * 1000:.0f} ms a run)")
    print(f"database size: {size / 2**20:.0f} MiB ({size / (args.runs + 1) / 1024:.0f} KiB a run)" if size else "")
    print(f"record one run (read its results.json, build the record, one transaction): {recorded:.2f} s")
    print(
        f"trend of one benchmark over {len(points)} runs: query {min(timings) * 1000:.0f} ms (best of 5); "
        f"`yieldbench history trend` command {command_seconds:.2f} s (exit {done.returncode}, Python start "
        f"and imports included)"
    )
    print(f"change points over {len(series)} benchmarks: {len(found)} found in {changes_seconds:.1f} s")
    for step in found:
        at = next(
            i for i, point in enumerate(series[step.name]) if point.run_id == series[step.name][step.index].run_id
        )
        print(
            f"  {step.name}: run {at} ({step.previous_commit[:8]}..{step.commit[:8]}) {step.change:+.1%}, "
            f"confidence {step.confidence:.4f}" + ("  <- the injected step" if step.name == STEPPED else "")
        )
    expected = math.ceil(STEP_AT * (args.runs + 1))
    print(f"injected: {STEPPED} +{STEP:.0%} from run {expected}")
    if not args.keep and not args.history:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"kept {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
