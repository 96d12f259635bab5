"""What every tool shares: the benchmark's command line under a profiler, running the profiler with its
output kept in run.log, and what a profile produces (files, tables, facts, commands to explore further)."""
import pathlib
import subprocess
import sys
from dataclasses import dataclass, field

import ybresults
from ybresults import units

from .. import paths
from ..errors import SetupError
from .preconditions import perf_paranoid
from .selection import Selection


# Google Benchmark 1.7.1 has no fixed-iteration flag: a minimum time far below one operation makes
# every repetition exactly one iteration, so repetitions count operations.
ONE_ITERATION = "0.000000001"


@dataclass
class Outcome:
    artifacts: list = field(default_factory=list)  # (path, what it is)
    tables: list = field(default_factory=list)  # (title, header row, rows)
    facts: list = field(default_factory=list)  # (label, value)
    explore: list = field(default_factory=list)  # shell commands
    notes: list = field(default_factory=list)


def benchmark_command(selection: Selection, out_dir: pathlib.Path, extra: list) -> list:
    return [
        str(selection.executable),
        f"--benchmark_filter={selection.filter}",
        f"--benchmark_out={out_dir / 'benchmark.json'}",
        "--benchmark_out_format=json",
        "--yb_latency_seconds=0",
        *extra,
    ]


def run_tool(command: list, out_dir: pathlib.Path, what: str, timeout: float, **popen) -> None:
    """Runs the profiler over the benchmark; its output goes to run.log, the last lines shown on failure."""
    log = out_dir / "run.log"
    with open(log, "w", encoding="utf-8") as output:
        output.write("$ " + " ".join(command) + "\n")
        output.flush()
        try:
            done = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, timeout=timeout, **popen)
        except subprocess.TimeoutExpired:
            raise SetupError(f"{what} ran past {timeout:.0f} s and was stopped; see {paths.shown(log)}") from None
    text = log.read_text(encoding="utf-8", errors="replace")
    if "perf_event_paranoid" in text or "No permission to enable" in text:
        raise SetupError(
            f"perf is not permitted (kernel.perf_event_paranoid is {perf_paranoid()}); run as root or "
            f"lower it (sudo sysctl kernel.perf_event_paranoid=2)"
        )
    if done.returncode != 0:
        print("\n".join(text.splitlines()[-15:]), file=sys.stderr)
        raise SetupError(f"{what} failed (exit {done.returncode}); its output is above and in {paths.shown(log)}")
    errors = [line for line in text.splitlines() if "ERROR OCCURRED" in line or "SkipWithError" in line]
    if errors:
        raise SetupError(f"the benchmark failed under {what}: {errors[0].strip()}")


def first_benchmark(path: pathlib.Path):
    """The first benchmark of the profiled run's results, or None when it wrote none that can be read."""
    try:
        return next(iter(ybresults.load(path).benchmarks.values()), None)
    except ybresults.ResultsError:
        return None


def benchmark_result(outcome: Outcome, out_dir: pathlib.Path) -> None:
    """Time per operation as the benchmark itself reported it (under the profiler)."""
    path = out_dir / "benchmark.json"
    bench = first_benchmark(path)
    if bench is not None and bench.samples("time_ns"):
        outcome.facts.append(
            (
                f"time/op under the profiler ({bench.run_name})",
                f"{units.fmt_time(bench.samples('time_ns')[0])} ({len(bench.repetitions)} repetition(s))",
            )
        )
    outcome.artifacts.append((path, "Google Benchmark's JSON of the profiled run (times include the profiler)"))


def pct(part: float, whole: float, digits: int = 1) -> str:
    return f"{100.0 * part / whole:.{digits}f}%" if whole else "-"
