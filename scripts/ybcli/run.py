"""`yieldbench run`: build, run the chosen families with progress, write results and the summary."""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass

from . import build, families, paths, results, summary
from .errors import UsageError


@dataclass(frozen=True)
class Profile:
    min_time: float         # seconds per benchmark repetition (Google Benchmark 1.7.1 takes plain seconds)
    repetitions: int
    latency_seconds: float  # budget of each benchmark's per-operation latency pass
    interleave: bool        # random interleaving of repetitions (GB's answer to drift between benchmarks)
    purpose: str


PROFILES = {
    "smoke": Profile(0.002, 1, 0.02, False, "the whole run path in seconds; numbers are not meant to be read"),
    "quick": Profile(0.05, 3, 0.03, False, "the default: three repetitions, enough for a noise verdict"),
    "full": Profile(0.5, 9, 0.2, True, "nine repetitions, randomly interleaved, for numbers to publish"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", default=[], metavar="F",
                        help="run only this family (repeatable, or comma-separated); default: all")
    parser.add_argument("--filter", default=".", metavar="RE",
                        help="run only benchmarks whose name matches this regular expression")
    parser.add_argument("--profile", choices=PROFILES, default="quick",
                        help="; ".join(f"{name}: {profile.purpose}" for name, profile in PROFILES.items()))
    parser.add_argument("--repetitions", type=_positive_int, metavar="N",
                        help="repetitions per benchmark (overrides the profile's)")
    parser.add_argument("--measure", choices=("time", "instructions"), default="time",
                        help="time: wall clock per operation (default); instructions: callgrind instructions per "
                             "operation, one operation per repetition, generators and coroutines only "
                             "(see scripts/ybcli/instructions.py)")
    parser.add_argument("--out", type=pathlib.Path, default=paths.RESULTS, metavar="DIR",
                        help="results folder: the run goes to DIR/<run-id>/ and DIR/latest points at it "
                             "(default: results/)")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def execute(args: argparse.Namespace) -> int:
    profile = PROFILES[args.profile]
    repetitions = args.repetitions or profile.repetitions
    if getattr(args, "measure", "time") == "instructions":
        from . import instructions
        return instructions.execute(args, args.repetitions or profile.repetitions)
    wanted = [name for value in args.family for name in value.split(",") if name]
    try:
        re.compile(args.filter)
    except re.error as error:
        raise UsageError(f"--filter '{args.filter}' is not a regular expression: {error}") from None

    build.bootstrap()
    build.build("release")
    chosen = families.choose(families.executables("release"), wanted)
    planned = {family: families.benchmark_names(executable, args.filter) for family, executable in chosen.items()}
    total = sum(len(names) for names in planned.values())
    if total == 0:
        raise UsageError(f"no benchmark matches --filter '{args.filter}' in {', '.join(chosen) or 'any family'}")

    results_root = args.out.resolve()
    run_id, run_dir = _new_run_dir(results_root, args.profile)
    build.say(f"running {total} benchmarks ({args.profile} profile, {repetitions} repetition(s)) into "
              f"{_shown(run_dir)}/")

    progress = Progress(total)
    outputs, failures = {}, []
    for family, executable in chosen.items():
        if not planned[family]:
            continue
        output, failure = _run_family(family, executable, args.filter, profile, repetitions, run_dir, progress)
        if output is not None:
            outputs[family] = output
        if failure:
            failures.append(failure)

    metadata = {
        "version": "0.1.0", "run_id": run_id, "profile": args.profile, "repetitions": repetitions,
        "min_time": profile.min_time, "families": list(outputs), "partial": bool(failures), "failures": failures,
        "command": "yieldbench " + " ".join(shlex.quote(arg) for arg in sys.argv[1:]),
    }
    document = results.merge(outputs, metadata)
    results_file = run_dir / "results.json"
    results.write_atomically(results_file, document)
    results.point_latest(results_root, run_dir)

    print()
    print(summary.render(document))
    errors = progress.errors + len(failures)
    build.say(f"wrote {_shown(results_file)} ({len(document['benchmarks'])} entries, {progress.elapsed():.1f} s)"
              + (f"; {progress.skipped} skipped on this machine" if progress.skipped else "")
              + (f"; {errors} benchmark(s) or families failed" if errors else ""))
    _write_report(results_file, run_dir / "report")
    return 1 if errors else 0


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
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def finished(self, name: str, status: str) -> None:
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


def _run_family(family, executable, regex, profile, repetitions, run_dir, progress):
    """Runs one family executable; returns (its GB JSON or None, a failure record or None)."""
    raw = run_dir / f".{family}.gb.json"
    log = run_dir / f"{family}.stderr.log"
    command = [str(executable), f"--benchmark_filter={regex}", f"--benchmark_min_time={profile.min_time}",
               f"--benchmark_repetitions={repetitions}", f"--yb_latency_seconds={profile.latency_seconds}",
               f"--benchmark_enable_random_interleaving={'true' if profile.interleave else 'false'}",
               "--benchmark_report_aggregates_only=false", f"--benchmark_out={raw}",
               "--benchmark_out_format=json", "--yb_progress"]
    with open(log, "w", encoding="utf-8") as stderr:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=paths.REPO_ROOT)
        try:
            for line in child.stdout:
                fields = line.rstrip("\n").split("\t")
                if len(fields) == 3 and fields[0] == "YB_PROGRESS":
                    progress.finished(fields[1], fields[2])
            status = child.wait()
        except BaseException:
            child.kill()  # ours, by its PID: an interrupted run leaves no benchmark behind
            child.wait()
            raise
    failure = None
    if status != 0:
        how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        failure = {"family": family, "reason": f"{executable.name} ended with {how}", "log": log.name}
        build.say(f"{family}: {failure['reason']}; its stderr is in {_shown(log)}")
    try:
        output = results.load_family_output(raw)
    except (OSError, ValueError) as error:
        return None, failure or {"family": family, "reason": f"no readable results: {error}", "log": log.name}
    finally:
        raw.unlink(missing_ok=True)
    if os.path.getsize(log) == 0:
        log.unlink()
    return output, failure


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
