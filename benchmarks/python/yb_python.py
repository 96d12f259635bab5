#!/usr/bin/python3
"""The python family executable (build/<preset>/bin/yb_python runs this): CPython on the C++ families'
workloads, speaking the Google Benchmark command line the other families speak.

  --yb_list                              family / workload / implementation lines, tab-separated
  --benchmark_list_tests                 the names --benchmark_filter selects
  --benchmark_filter=RE                  a regular expression searched in each name ('-RE' negates)
  --benchmark_min_time=S                 seconds per repetition's timed loop (at least one operation)
  --benchmark_repetitions=N              repetitions; N > 1 adds _mean/_median/_stddev/_cv aggregates (an
                                         operation too long for the profile gets one: budget.py)
  --benchmark_enable_random_interleaving=true|false
  --benchmark_report_aggregates_only=true|false
  --benchmark_out=FILE --benchmark_out_format=json
  --benchmark_format=json|console        what goes to stdout when --yb_progress is not given
  --yb_progress                          'YB_PROGRESS<TAB>name<TAB>running' before each repetition of a benchmark,
                                         'YB_PROGRESS<TAB>name<TAB>ok|message' once it is done
  --yb_latency_seconds=S                 budget of each benchmark's latency pass
"""
import os
import platform
import random
import re
import signal
import subprocess
import sys
import time

import budget
import coroutines
import echo
import generators
import measure
import parallelism
import registry
import supervision
import ybresults
from ybresults import items, progress, strict

# A benchmark that takes longer than this is ended with an error and the run goes on.
WATCHDOG_SECONDS = 120


def all_benchmarks():
    out = []
    for module in (generators, coroutines, parallelism, echo):
        out += module.benchmarks()
    return sorted(out, key=lambda b: b.name)


def _flag_bool(text):
    return text.strip().lower() in ("true", "1", "yes", "")


def parse_args(argv):
    options = {
        "filter": ".",
        "min_time": 0.5,
        "repetitions": 1,
        "interleave": False,
        "aggregates_only": False,
        "out": None,
        "out_format": "json",
        "format": "console",
        "progress": False,
        "latency_seconds": 0.1,
        "list": False,
        "list_tests": False,
    }
    for arg in argv:
        key, _, value = arg.partition("=")
        if key in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        elif key == "--yb_list":
            options["list"] = True
        elif key == "--benchmark_list_tests":
            options["list_tests"] = _flag_bool(value)
        elif key == "--benchmark_filter":
            options["filter"] = value
        elif key == "--benchmark_min_time":
            options["min_time"] = float(value.rstrip("s") if value.endswith("s") else value)
        elif key == "--benchmark_repetitions":
            options["repetitions"] = max(1, int(value))
        elif key == "--benchmark_enable_random_interleaving":
            options["interleave"] = _flag_bool(value)
        elif key == "--benchmark_report_aggregates_only":
            options["aggregates_only"] = _flag_bool(value)
        elif key == "--benchmark_out":
            options["out"] = value
        elif key == "--benchmark_out_format":
            options["out_format"] = value
        elif key == "--benchmark_format":
            options["format"] = value
        elif key == "--yb_progress":
            options["progress"] = True
        elif key == "--yb_latency_seconds":
            options["latency_seconds"] = float(value)
        elif key.startswith(("--benchmark_", "--yb_")):
            print(f"yb_python: ignoring {arg} (not supported by the python track)", file=sys.stderr)
        else:
            print(f"yb_python: unknown argument {arg}", file=sys.stderr)
            sys.exit(2)
    if options["out"] and options["out_format"] != "json":
        print(
            f"yb_python: --benchmark_out_format={options['out_format']} is not supported (json only)", file=sys.stderr
        )
        sys.exit(2)
    return options


def select(benchmarks, pattern):
    negate = pattern.startswith("-")
    try:
        regex = re.compile(pattern[1:] if negate else pattern)
    except re.error as error:
        print(f"yb_python: --benchmark_filter '{pattern}' is not a regular expression: {error}", file=sys.stderr)
        sys.exit(2)
    return [b for b in benchmarks if bool(regex.search(b.name)) != negate]


def _read(path, default="unknown"):
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError:
        return default


def _cpu_model():
    for line in _read("/proc/cpuinfo", "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _git_commit():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        return (
            subprocess.run(
                ["git", "-C", here, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def context(options):
    load = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "host_name": platform.node(),
        "executable": "bin/yb_python",
        "num_cpus": os.cpu_count(),
        "mhz_per_cpu": 0,
        "cpu_scaling_enabled": False,
        "caches": [],
        "load_avg": list(load),
        "library_build_type": "release",
        "yb_version": ybresults.VERSION,
        "git_commit": _git_commit(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "compiler": f"{platform.python_implementation()} {platform.python_version()} ({platform.python_compiler()})",
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu_model": _cpu_model(),
        "cpu_count": str(os.cpu_count()),
        "load_avg_at_start": " ".join(f"{v:.2f}" for v in load),
        "timing": "wall clock (real_time) per operation; cpu_time is the whole process's (time.process_time)",
        "heap_counting": "tracemalloc peak over one untimed operation (Python objects; C-level buffers not seen)",
        "unavailable_metrics": (
            "heap_allocs, heap_total_bytes: not measured by the python track (tracemalloc "
            "peak only); ctx_switches, cpu_migrations, page_faults: no perf_event_open from "
            "the python track; rss_peak_bytes and ctx of process-pool workers: the pool's "
            "children are counted only when they exit, after the benchmark"
        ),
        "random_interleaving": str(options["interleave"]).lower(),
        **{items.context_key(*name.split("/")): noun for name, noun in sorted(registry.ITEMS.items())},
    }


class Watchdog(Exception):
    pass


def _alarm(signum, frame):
    raise Watchdog(f"watchdog: the benchmark ran past {WATCHDOG_SECONDS} s and was ended")


def run(options, chosen):
    signal.signal(signal.SIGALRM, _alarm)
    index = {b.name: i for i, b in enumerate(chosen)}
    slots = [(b, r) for b in chosen for r in range(options["repetitions"])]
    if options["interleave"]:
        random.shuffle(slots)
    remaining = {b.name: options["repetitions"] for b in chosen}
    prepared, entries, errors = {}, {b.name: [] for b in chosen}, {}

    def finish(bench):
        ready = prepared.pop(bench.name, None)
        if ready is not None:
            try:
                ready.close()
            except Exception as error:  # a benchmark that cannot clean up is an error, not the run's end
                errors.setdefault(bench.name, f"cleanup failed: {type(error).__name__}: {error}")
        if options["progress"]:
            status = errors.get(bench.name, "ok")
            print(progress.line(bench.name, status), flush=True)

    for bench, _ in slots:
        if bench.name in errors or remaining[bench.name] == 0:  # errored, or measured once and done
            continue
        if options["progress"]:
            print(progress.line(bench.name, progress.RUNNING), flush=True)
        signal.alarm(WATCHDOG_SECONDS)
        try:
            if bench.name not in prepared:
                reason = bench.skip(options["min_time"]) if bench.skip else None
                plan = budget.plan(bench.estimate, options["min_time"], f"{bench.items:,} items per operation")
                reason = reason or plan.skip
                if reason:
                    raise measure.ChecksumMismatch("skipped: " + reason)
                prepared[bench.name] = measure.Prepared(bench, options["min_time"], options["latency_seconds"], plan)
            ready = prepared[bench.name]
            real, cpu, counters = ready.repetition()
            rep_index = len(entries[bench.name])
            if rep_index == 0:
                counters.update(ready.latency)
            entries[bench.name].append(
                measure.iteration_entry(
                    bench,
                    index[bench.name],
                    1 if ready.once else options["repetitions"],
                    rep_index,
                    ready.iterations,
                    real,
                    cpu,
                    counters,
                    ready.label,
                )
            )
        except (Exception, Watchdog) as error:  # one benchmark's failure is its error entry; the run goes on
            message = (
                str(error)
                if isinstance(error, (measure.ChecksumMismatch, Watchdog))
                else f"{type(error).__name__}: {error}"
            )
            errors[bench.name] = message
        finally:
            signal.alarm(0)
        remaining[bench.name] -= 1
        once = bench.name in prepared and prepared[bench.name].once
        if bench.name in errors or remaining[bench.name] == 0 or once:
            remaining[bench.name] = 0
            finish(bench)

    out = []
    for bench in chosen:
        if bench.name in errors:
            out.append(measure.error_entry(bench, index[bench.name], options["repetitions"], errors[bench.name]))
            continue
        aggregates = measure.aggregates(bench, index[bench.name], entries[bench.name])
        out += ([] if options["aggregates_only"] and aggregates else entries[bench.name]) + aggregates
    return out


def main(argv):
    supervision.stay_with_supervisor()
    options = parse_args(argv)
    benchmarks = all_benchmarks()
    if options["list"]:
        print(f"family\tpython\t{registry.FAMILY_TEXT}")
        for name, text in sorted(registry.WORKLOADS.items()):
            print(f"workload\tpython/{name}\t{text}")
        for name, text in sorted(registry.IMPLEMENTATIONS.items()):
            print(f"implementation\tpython/{name}\t{text}")
        return 0
    chosen = select(benchmarks, options["filter"])
    if options["list_tests"]:
        for bench in chosen:
            print(bench.name)
        return 0
    if not chosen:
        print(f"yb_python: no benchmark matches --benchmark_filter={options['filter']}", file=sys.stderr)
        return 1
    document = {"context": context(options), "benchmarks": run(options, chosen)}
    if options["out"]:
        ybresults.write(options["out"], document)
    if not options["progress"]:
        if options["format"] == "json":
            sys.stdout.write(strict.dumps(document))
        else:
            for entry in document["benchmarks"]:
                if entry.get("error_occurred"):
                    print(f"{entry['name']:<60} ERROR OCCURRED: '{entry['error_message']}'")
                else:
                    print(f"{entry['name']:<60} {entry['real_time']:>14.0f} ns {entry['iterations']:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
