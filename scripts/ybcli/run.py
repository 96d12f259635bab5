"""`yieldbench run`: build, run the chosen families with progress, write results and the summary."""
import argparse
import pathlib
import signal
from dataclasses import dataclass

import ybresults

from . import arguments, build, families, history_cmd, machine_load, options, paths, runfolder, summary
from .errors import UsageError
from .progress import Progress
from .sampling import Sampling, sample_family
from .supervisor import FamilyRun, Interrupted


@dataclass(frozen=True)
class Profile:
    min_time: float  # seconds per sample (one repetition; Google Benchmark 1.7.1 takes plain seconds)
    sampling: Sampling  # samples per process, processes, when a benchmark stops (sampling.py)
    repetitions: int  # where a fixed count is needed: instruction mode's repetitions
    latency_seconds: float  # budget of each benchmark's per-operation latency pass
    interleave: bool  # random interleaving of repetitions (GB's answer to drift between benchmarks)
    budget_seconds: float  # the watchdog's limit on one benchmark in one process; the slowest quick one takes ~10 s
    purpose: str


# The budgets aim at the quick suite in 3 minutes of benchmarks and the full one in 20 on a 2-vCPU VM, with at
# most 10% and 5% UNSTABLE (docs/notes/ has the measurements; README's profile table says them).
PROFILES = {
    "smoke": Profile(
        0.002,
        Sampling.fixed(1, 1),
        1,
        0.02,
        False,
        60,
        "the whole run path in seconds; numbers are not meant to be read",
    ),
    "quick": Profile(
        0.02,
        Sampling(per_process=2, min_processes=2, max_samples=8, max_seconds=1.0, target=0.02),
        3,
        0.03,
        False,
        120,
        "the default: 2 to 4 processes, until each median is known to ±2%",
    ),
    "full": Profile(
        0.1,
        Sampling(per_process=4, min_processes=2, max_samples=24, max_seconds=6.0, target=0.01),
        9,
        0.2,
        True,
        600,
        "2 to 6 processes, randomly interleaved, until each median is known to ±1%, for numbers to publish",
    ),
}
MEASURES = ("time", "instructions")


@dataclass(frozen=True)
class Options:
    family: tuple = ()  # family names; empty: every family
    filter: str = "."
    profile: str = "quick"
    repetitions: int = None  # None: the profile's adaptive sampling; N: exactly N samples a benchmark
    measure: str = "time"
    timeout: float = None  # None: the profile's budget
    out: pathlib.Path = paths.RESULTS
    history: str = None  # None: $YIELDBENCH_HISTORY, else <out>/history.sqlite; "off": not recorded
    cpus: str = None  # "0,2-3": the CPUs benchmark processes may use; None: this process's
    wait: float = 30.0  # seconds to wait for a busy machine to calm down before going on, marked busy

    def __post_init__(self):
        """Everything that can be checked without the build is, so a typo costs no minutes of building."""
        if self.profile not in PROFILES:
            raise UsageError(f"unknown profile '{self.profile}' (known: {', '.join(PROFILES)})")
        if self.measure not in MEASURES:
            raise UsageError(f"unknown measure '{self.measure}' (known: {', '.join(MEASURES)})")
        families.check_known(list(self.family))
        families.check_filter(self.filter)
        self.pinned_cpus  # a bad --cpus is said before building

    @property
    def pinned_cpus(self):
        """The --cpus set, or None."""
        if self.cpus is None:
            return None
        try:
            return machine_load.parse_cpus(self.cpus)
        except ValueError as error:
            raise UsageError(f"--cpus: {error}") from None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Options":
        return options.from_namespace(cls, args, family=options.split_list(args.family))

    @property
    def settings(self) -> Profile:
        return PROFILES[self.profile]

    @property
    def repetitions_or_default(self) -> int:
        return self.repetitions or self.settings.repetitions

    @property
    def sampling(self) -> Sampling:
        if self.repetitions:
            return Sampling.fixed(self.repetitions, self.settings.sampling.min_processes)
        return self.settings.sampling

    @property
    def budget_seconds(self) -> float:
        return self.timeout or self.settings.budget_seconds


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
        help="; ".join(f"{name}: {profile.purpose}" for name, profile in PROFILES.items()).replace("%", "%%"),
    )
    parser.add_argument(
        "--repetitions",
        type=arguments.positive_int,
        metavar="N",
        help="exactly N samples a benchmark, spread over the profile's fewest processes (instead of the "
        "profile's adaptive sampling)",
    )
    parser.add_argument(
        "--measure",
        choices=MEASURES,
        default="time",
        help="time: wall clock per operation (default); instructions: callgrind instructions per "
        "operation, one operation per repetition, generators and coroutines only "
        "(see scripts/ybcli/instructions.py)",
    )
    parser.add_argument(
        "--timeout",
        type=arguments.positive_float,
        metavar="SECONDS",
        help="the watchdog's limit on one benchmark in one process, all its repetitions together (default: the "
        "profile's: "
        + ", ".join(f"{name} {p.budget_seconds:g} s" for name, p in PROFILES.items())
        + "); a benchmark past it is ended with its process group and recorded as failed",
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=paths.RESULTS,
        metavar="DIR",
        help="results folder: the run goes to DIR/<run-id>/ and DIR/latest points at it (default: results/)",
    )
    parser.add_argument(
        "--cpus",
        metavar="LIST",
        help="run the benchmark processes on these CPUs only, e.g. 2,3 or 0-1 (benchmarks that place their own "
        "threads do so within them); default: every CPU this process may use",
    )
    parser.add_argument(
        "--wait",
        type=arguments.non_negative_float,
        default=30.0,
        metavar="SECONDS",
        help="when other work keeps the machine busy, wait up to this long for it to calm down before going on "
        "with the run marked busy (default 30; 0: go on at once)",
    )
    add_history_argument(parser)


def add_history_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--history",
        metavar="URL|PATH",
        help="record the run in this history: a SQLite file or postgresql://user@host/db; 'off' records nothing "
        "(default: $YIELDBENCH_HISTORY, else DIR/history.sqlite under --out)",
    )


def execute(opts: Options) -> int:
    if opts.measure == "instructions":
        from . import instructions

        return instructions.execute(opts)
    runfolder.check_results_root(opts.out.resolve())
    # Both explicitly: a shell starts background jobs with SIGINT ignored, and `kill -INT` must still work.
    previous_handlers = {
        number: signal.signal(number, _raise_interrupted) for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return _run_suite(opts)
    except Interrupted as interruption:  # while building or listing, or a second one while writing
        build.say(f"interrupted by {interruption.signal_name}; no benchmark results were written by this run")
        return 128 + signal.Signals[interruption.signal_name].value
    finally:
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)


def results_file(opts: Options) -> pathlib.Path:
    """Where the last whole run under `opts.out` is (what `latest` points at)."""
    return opts.out.resolve() / "latest" / "results.json"


def leave_out_full_profile_only(planned: dict, chosen: dict, profile: str) -> tuple:
    """({family: names} without the benchmarks only the full profile measures, unless `profile` is full; how
    many were left out). The families name them (`--yb_list`): cases whose setup alone costs seconds."""
    if profile == "full":
        return planned, 0
    kept, left_out = {}, 0
    for family, names in planned.items():
        full_only = families.describe(chosen[family]).full_profile_only if names else set()
        kept[family] = [name for name in names if name not in full_only]
        left_out += len(names) - len(kept[family])
    return kept, left_out


def _run_suite(opts: Options) -> int:
    build.bootstrap()
    build.build("release")
    chosen = families.choose(families.executables("release"), list(opts.family))
    planned = {family: families.benchmark_names(executable, opts.filter) for family, executable in chosen.items()}
    planned, left_out = leave_out_full_profile_only(planned, chosen, opts.profile)
    total = sum(len(names) for names in planned.values())
    if total == 0 and left_out:
        raise UsageError(
            f"the {left_out} benchmark(s) --filter '{opts.filter}' matches are measured by the full profile only "
            "(add --profile full)"
        )
    if total == 0:
        raise UsageError(f"no benchmark matches --filter '{opts.filter}' in {', '.join(chosen) or 'any family'}")

    profile, sampling, cpus = opts.settings, opts.sampling, opts.pinned_cpus
    results_root = opts.out.resolve()
    run_id, run_dir = runfolder.new_run_dir(results_root, opts.profile)
    build.say(
        f"running {total} benchmarks ({opts.profile} profile: {sampling.describe()}"
        + (f"; on CPUs {opts.cpus}" if cpus else "")
        + f") into {paths.shown(run_dir)}/"
        + (f"; {left_out} more are the full profile's (--profile full)" if left_out else "")
    )
    meter = machine_load.Meter()
    before = machine_load.wait_for_quiet(meter, opts.wait, build.say)
    readings = []

    # A unit (one benchmark in one process): its samples, the estimation runs before them, the latency pass.
    guess = sampling.per_process * profile.min_time * 1.5 + 2 * profile.min_time + profile.latency_seconds
    progress = Progress(
        total, {family: len(names) for family, names in planned.items() if names}, sampling.min_processes, guess
    )
    arguments = [
        f"--benchmark_min_time={profile.min_time}",
        f"--yb_latency_seconds={profile.latency_seconds}",
        f"--benchmark_enable_random_interleaving={'true' if profile.interleave else 'false'}",
        "--benchmark_report_aggregates_only=false",
    ]
    runs, stops, interrupted = [], {}, None
    try:
        for family, executable in chosen.items():
            if planned[family]:
                runs.append(FamilyRun(family, cpus=cpus))
                sample_family(
                    runs[-1],
                    executable,
                    planned[family],
                    arguments,
                    sampling,
                    opts.budget_seconds,
                    run_dir,
                    progress,
                    stops,
                    meter,
                    readings,
                )
    except Interrupted as interruption:
        interrupted = interruption.signal_name
        for run in runs:
            for name in planned[run.family]:
                stops.setdefault(name, {"stop": "interrupted", "seconds": round(run.seconds.get(name, 0.0), 3)})

    outputs = {run.family: run.output() for run in runs if run.output() is not None}
    failures = [failure for run in runs for failure in run.failures]
    load = machine_load.summary(before, readings)
    metadata = {
        "run_id": run_id,
        "profile": opts.profile,
        "measure": "time",
        "repetitions": opts.repetitions or sampling.max_samples,
        "sampling": sampling.record(),
        "min_time": profile.min_time,
        "budget_seconds": opts.budget_seconds,
        "cpus": sorted(cpus) if cpus else None,
        "families": list(outputs),
        "partial": bool(failures) or interrupted is not None,
        "interrupted": interrupted,
        "failures": failures,
        "command": runfolder.command_line(),
    }
    document = ybresults.merge(outputs, metadata, stops)
    document["context"].update(load)  # yb_busy and the readings behind it
    ybresults.write_csv(run_dir / "results.csv", document)  # beside results.json, partial runs too
    if interrupted:
        written = run_dir / "results.json"
        ybresults.write(written, document)
        # The previous run stays the latest: a half run must not replace a whole one in charts and gates.
        build.say(
            f"interrupted by {interrupted}: wrote the {len(document['benchmarks'])} entries finished so far to "
            f"{paths.shown(written)}, marked partial; {paths.shown(results_root / 'latest')} is unchanged"
        )
        return 128 + signal.Signals[interrupted].value
    written = runfolder.publish(results_root, run_dir, document)
    history_cmd.record(written, opts.history, results_root)

    print()
    print(summary.render(ybresults.model.from_document(document, written)))
    if load["yb_busy"]:
        build.say(f"warning: {machine_load.BUSY_WARNING} ({load['yb_load']['worst']})")
    errors = progress.errors
    stopped = [failure for failure in failures if "benchmark" not in failure]
    build.say(
        f"wrote {paths.shown(written)} ({len(document['benchmarks'])} entries, {progress.elapsed():.1f} s)"
        + (f"; {progress.skipped} skipped on this machine" if progress.skipped else "")
        + (f"; {errors} benchmark(s) failed" if errors else "")
        + "".join(f"; {failure['family']}: {failure['reason']}" for failure in stopped)
    )
    write_report(written, run_dir / "report", opts.history)
    return 1 if errors or stopped else 0


def _raise_interrupted(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def write_report(results: pathlib.Path, report_dir: pathlib.Path, history: str = None) -> None:
    """Charts and pages beside the results, with the history's trends when it holds two or more runs of this
    machine class; a report that fails costs the report, never the results."""
    import reports  # matplotlib is slow to import: only when there is something to draw

    build.say("drawing the report")
    try:
        reports.generate([results], report_dir, history=reports.history_url(results, history))
    except (reports.ReportError, ybresults.ResultsError) as error:
        build.say(f"no report: {error}")
        return
    build.say(f"report: {paths.shown(report_dir / 'index.html')} and {paths.shown(report_dir / 'summary.md')}")


def options_from(args: argparse.Namespace) -> Options:
    return Options.from_args(args)
