"""`yieldbench run`: build, run the chosen families with progress, write results and the summary."""
import argparse
import pathlib
import shlex
import signal
import sys
import time
from dataclasses import dataclass

from . import arguments, build, families, paths, results, summary
from .errors import UsageError
from .supervisor import FamilyRun, Interrupted


@dataclass(frozen=True)
class Profile:
    min_time: float  # seconds per benchmark repetition (Google Benchmark 1.7.1 takes plain seconds)
    repetitions: int
    latency_seconds: float  # budget of each benchmark's per-operation latency pass
    interleave: bool  # random interleaving of repetitions (GB's answer to drift between benchmarks)
    budget_seconds: float  # the watchdog's limit on one benchmark (all its calls); the slowest quick one takes ~10 s
    purpose: str


PROFILES = {
    "smoke": Profile(0.002, 1, 0.02, False, 60, "the whole run path in seconds; numbers are not meant to be read"),
    "quick": Profile(0.05, 3, 0.03, False, 120, "the default: three repetitions, enough for a noise verdict"),
    "full": Profile(0.5, 9, 0.2, True, 600, "nine repetitions, randomly interleaved, for numbers to publish"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--family",
        action="append",
        default=[],
        metavar="F",
        help="run only this family (repeatable, or comma-separated); default: all",
    )
    parser.add_argument(
        "--filter", default=".", metavar="RE", help="run only benchmarks whose name matches this regular expression"
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="quick",
        help="; ".join(f"{name}: {profile.purpose}" for name, profile in PROFILES.items()),
    )
    parser.add_argument(
        "--repetitions",
        type=arguments.positive_int,
        metavar="N",
        help="repetitions per benchmark (overrides the profile's)",
    )
    parser.add_argument(
        "--measure",
        choices=("time", "instructions"),
        default="time",
        help="time: wall clock per operation (default); instructions: callgrind instructions per "
        "operation, one operation per repetition, generators and coroutines only "
        "(see scripts/ybcli/instructions.py)",
    )
    parser.add_argument(
        "--timeout",
        type=arguments.positive_float,
        metavar="SECONDS",
        help="the watchdog's limit on one benchmark, all its repetitions together (default: the "
        "profile's: "
        + ", ".join(f"{name} {p.budget_seconds:g} s" for name, p in PROFILES.items())
        + "); a benchmark past it is ended with its process group and recorded as failed",
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=paths.RESULTS,
        metavar="DIR",
        help="results folder: the run goes to DIR/<run-id>/ and DIR/latest points at it " "(default: results/)",
    )


def execute(args: argparse.Namespace) -> int:
    profile = PROFILES[args.profile]
    repetitions = args.repetitions or profile.repetitions
    if getattr(args, "measure", "time") == "instructions":
        from . import instructions

        return instructions.execute(args, args.repetitions or profile.repetitions)
    wanted = [name for value in args.family for name in value.split(",") if name]
    # Everything that can be checked without the build is, so a typo costs no minutes of building.
    families.check_known(wanted)
    families.check_filter(args.filter)
    results.check_results_folder(args.out.resolve())

    # Both explicitly: a shell starts background jobs with SIGINT ignored, and `kill -INT` must still work.
    previous_handlers = {
        number: signal.signal(number, _raise_interrupted) for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return _run_suite(args, profile, repetitions, wanted)
    except Interrupted as interruption:  # while building or listing, or a second one while writing
        build.say(f"interrupted by {interruption.signal_name}; no benchmark results were written by this run")
        return 128 + signal.Signals[interruption.signal_name].value
    finally:
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)


def _run_suite(args: argparse.Namespace, profile: Profile, repetitions: int, wanted: list) -> int:
    build.bootstrap()
    build.build("release")
    chosen = families.choose(families.executables("release"), wanted)
    planned = {family: families.benchmark_names(executable, args.filter) for family, executable in chosen.items()}
    total = sum(len(names) for names in planned.values())
    if total == 0:
        raise UsageError(f"no benchmark matches --filter '{args.filter}' in {', '.join(chosen) or 'any family'}")

    results_root = args.out.resolve()
    run_id, run_dir = _new_run_dir(results_root, args.profile)
    build.say(
        f"running {total} benchmarks ({args.profile} profile, {repetitions} repetition(s)) into " f"{_shown(run_dir)}/"
    )

    progress = Progress(total)
    arguments = [
        f"--benchmark_min_time={profile.min_time}",
        f"--benchmark_repetitions={repetitions}",
        f"--yb_latency_seconds={profile.latency_seconds}",
        f"--benchmark_enable_random_interleaving={'true' if profile.interleave else 'false'}",
        "--benchmark_report_aggregates_only=false",
    ]
    budget = args.timeout or profile.budget_seconds
    runs, interrupted = [], None
    try:
        for family, executable in chosen.items():
            if planned[family]:
                runs.append(FamilyRun(family))
                runs[-1].run(executable, args.filter, planned[family], arguments, budget, run_dir, progress)
    except Interrupted as interruption:
        interrupted = interruption.signal_name

    outputs = {run.family: run.output() for run in runs if run.output() is not None}
    failures = [failure for run in runs for failure in run.failures]
    metadata = {
        "version": "0.1.0",
        "run_id": run_id,
        "profile": args.profile,
        "repetitions": repetitions,
        "min_time": profile.min_time,
        "budget_seconds": budget,
        "families": list(outputs),
        "partial": bool(failures) or interrupted is not None,
        "interrupted": interrupted,
        "failures": failures,
        "command": "yieldbench " + " ".join(shlex.quote(arg) for arg in sys.argv[1:]),
    }
    document = results.merge(outputs, metadata)
    results_file = run_dir / "results.json"
    results.write_atomically(results_file, document)
    if interrupted:
        # The previous run stays the latest: a half run must not replace a whole one in charts and gates.
        build.say(
            f"interrupted by {interrupted}: wrote the {len(document['benchmarks'])} entries finished so far to "
            f"{_shown(results_file)}, marked partial; {_shown(results_root / 'latest')} is unchanged"
        )
        return 128 + signal.Signals[interrupted].value
    results.point_latest(results_root, run_dir)

    print()
    print(summary.render(document))
    errors = progress.errors
    stopped = [failure for failure in failures if "benchmark" not in failure]
    build.say(
        f"wrote {_shown(results_file)} ({len(document['benchmarks'])} entries, {progress.elapsed():.1f} s)"
        + (f"; {progress.skipped} skipped on this machine" if progress.skipped else "")
        + (f"; {errors} benchmark(s) failed" if errors else "")
        + "".join(f"; {failure['family']}: {failure['reason']}" for failure in stopped)
    )
    _write_report(results_file, run_dir / "report")
    return 1 if errors or stopped else 0


def _raise_interrupted(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def _write_report(results_file: pathlib.Path, report_dir: pathlib.Path) -> None:
    """Charts and pages beside the results; a report that fails costs the report, never the results."""
    import reports  # matplotlib is slow to import: only when there is something to draw

    build.say("drawing the report")
    if reports.main([str(results_file), "--out", str(report_dir), "--quiet"]) == 0:
        build.say(f"report: {_shown(report_dir / 'index.html')} and {_shown(report_dir / 'summary.md')}")


class Progress:
    """One line per finished benchmark: [n/total] name, its status, seconds since the run began."""

    # yb::skip() marks a benchmark that cannot run on this machine; it is not a failure.
    SKIPPED = "skipped: "

    def __init__(self, total: int):
        self.total, self.done, self.errors, self.skipped = total, 0, 0, 0
        self.seen = set()  # a family restarted after a failure may report a benchmark again
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def finished(self, name: str, status: str) -> None:
        if name in self.seen:
            return
        self.seen.add(name)
        self.done += 1
        if status.startswith(self.SKIPPED):
            self.skipped += 1
            shown = f"  SKIPPED: {status[len(self.SKIPPED):]}"
        elif status != "ok":
            self.errors += 1
            shown = f"  ERROR: {status}"
        else:
            shown = ""
        width = len(str(self.total))
        print(f"[{self.done:>{width}}/{self.total}] {self.elapsed():7.1f}s  {name}{shown}", flush=True)


def _new_run_dir(results_root: pathlib.Path, profile: str):
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for attempt in range(1, 100):
        run_id = f"{stamp}-{profile}" + ("" if attempt == 1 else f"-{attempt}")
        run_dir = results_root / run_id
        try:
            run_dir.mkdir(parents=True)
            return run_id, run_dir
        except FileExistsError:
            continue
        except OSError as error:
            raise UsageError(f"cannot create the results folder {run_dir}: {error.strerror}") from None
    raise UsageError(f"cannot find a free run folder name under {results_root}")


def _shown(path: pathlib.Path) -> str:
    try:
        return str(path.relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)
