"""`yieldbench test`: build, then every test: GoogleTest through ctest, then the Python tests.

With `--sanitize address|thread`: the asan (ASan + UBSan) or tsan preset instead, every C++ test,
then every family executable over its whole suite at a smoke size, so the benchmark code runs
sanitized too, not only the tests."""
import argparse
import json
import os
import pathlib
import re
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass

import ybresults
from ybresults import counters, progress

from . import build, families, options, paths, style

SANITIZER_PRESETS = {"address": "asan", "thread": "tsan"}

# Sanitizer options for every sanitized process: stop at the first report, with a stack, and make
# the exit status say so (ctest and the family runs judge by it).
SANITIZER_ENVIRONMENT = {
    "asan": {
        # Not detect_stack_use_after_return: it gives every fiber a fake stack of its own (an mmap of
        # about a megabyte), and alive_many keeps 100,000 fibers alive at once.
        "ASAN_OPTIONS": "halt_on_error=1:detect_leaks=1:strict_string_checks=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    },
    "tsan": {
        "TSAN_OPTIONS": "halt_on_error=1:second_deadlock_stack=1",
    },
}

# Lines a sanitizer writes when it has found something (its exit status says so too; these make
# sure a report in a child process, whose status nobody checks, is not missed).
SANITIZER_REPORT = re.compile(
    r"ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:"
    r"|ASan is ignoring requested __asan_handle_no_return"
)

# The family run: every benchmark once, as briefly as the harness allows. What it checks is that
# the code runs clean under the sanitizer, not how fast.
SMOKE_FLAGS = ["--benchmark_min_time=0.001", "--benchmark_repetitions=1", "--yb_latency_seconds=0.005", "--yb_progress"]
FAMILY_TIMEOUT_SECONDS = 900  # per family executable; the slowest (tsan) takes a few minutes here

# Benchmarks a sanitizer cannot run here, per preset and family: (Google Benchmark regex, why).
# Left out of the family run with the reason printed.
NOT_RUN_UNDER = {
    "tsan": {
        "coroutines": (
            r"^coroutines/alive_many/(boost_fiber|ucontext)/k:100000(/|$)",
            "with 100,000 live 64 KiB stacks TSan's allocator dies out of memory (mmap fails with "
            "ENOMEM, most likely at vm.max_map_count: TSan holds tens of thousands of mappings here)",
        ),
    },
}

# Families that are not compiled code: nothing for a sanitizer to see.
NOT_SANITIZED = {"python": "CPython runs it, not code this project compiles"}


@dataclass(frozen=True)
class Options:
    sanitize: str = None  # None: the release build and every test; address or thread: that sanitizer
    ctest_args: tuple = ()
    pytest_args: tuple = ()

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Options":
        return options.from_namespace(
            cls, args, ctest_args=tuple(shlex.split(args.ctest_args)), pytest_args=tuple(shlex.split(args.pytest_args))
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sanitize",
        choices=sorted(SANITIZER_PRESETS),
        metavar="{address,thread}",
        help="build the asan (ASan + UBSan) or tsan preset instead of release, run every C++ test "
        "(ctest) and every benchmark of each compiled family once at a smoke size, failing on "
        "any sanitizer report or benchmark error. The Python tests are not run: they exercise "
        "the release build, so running them again would add time and no sanitizer coverage",
    )
    parser.add_argument(
        "--ctest-args", default="", metavar="ARGS", help='extra arguments for ctest, e.g. "-R Histogram"'
    )
    parser.add_argument(
        "--pytest-args",
        default="",
        metavar="ARGS",
        help='extra arguments for pytest, e.g. "-k smoke" (not used with --sanitize)',
    )


def options_from(args: argparse.Namespace) -> Options:
    return Options.from_args(args)


def execute(opts: Options) -> int:
    if opts.sanitize:
        return _execute_sanitized(SANITIZER_PRESETS[opts.sanitize], list(opts.ctest_args))
    build.bootstrap(profiling=True)  # the tests include `yieldbench profile` under each tool
    build.say("checking the style (clang-format, black, flake8)")
    style_problems = style.check()
    for problem in style_problems:
        build.say(f"style: {problem}")
    build.build("release")
    build.say("running the C++ tests (ctest)")
    ctest = subprocess.run(["ctest", "--preset", "release", *opts.ctest_args], cwd=paths.REPO_ROOT)
    build.say("running the Python tests (pytest)")
    pytest = subprocess.run(
        [paths.PYTHON, "-m", "pytest", "tests/python", "-q", "-p", "no:cacheprovider", *opts.pytest_args],
        cwd=paths.REPO_ROOT,
    )
    failed = [name for name, done in (("ctest", ctest), ("pytest", pytest)) if done.returncode != 0]
    return _verdict(failed + (["style"] if style_problems else []))


def _execute_sanitized(preset: str, ctest_args: list) -> int:
    build.bootstrap()
    build.build(preset)
    environment = {**os.environ, **SANITIZER_ENVIRONMENT[preset]}
    for source, how in sanitizer_exemptions(paths.build_dir(preset)):
        build.say(
            f"{preset}: {source} is compiled {how} (why: CMakeLists.txt, yb_without_tsan_call_tracking "
            f"and yb_needs_tail_calls)"
        )
    build.say(f"running the C++ tests under the {preset} preset (ctest)")
    ctest = subprocess.run(["ctest", "--preset", preset, *ctest_args], cwd=paths.REPO_ROOT, env=environment)
    failed = [] if ctest.returncode == 0 else ["ctest"]
    log_dir = paths.build_dir(preset) / "sanitized-runs"
    log_dir.mkdir(exist_ok=True)
    for family, executable in families.executables(preset).items():
        if family in NOT_SANITIZED:
            build.say(f"{family}: not run under {preset}: {NOT_SANITIZED[family]}")
            continue
        left_out, why = NOT_RUN_UNDER.get(preset, {}).get(family, ("", ""))
        if left_out:
            build.say(f"{family}: not run under {preset}: {left_out}: {why}")
        if not _run_family_sanitized(family, executable, left_out, log_dir, environment):
            failed.append(f"yb_{family}")
    return _verdict(failed)


def sanitized_family_command(executable: pathlib.Path, left_out: str = "", out: pathlib.Path = None) -> list:
    """The command that runs every benchmark of a family executable once, at a smoke size, except
    those the regex `left_out` matches (Google Benchmark's negative filter), writing its results to `out`."""
    return (
        [str(executable), *SMOKE_FLAGS]
        + ([f"--benchmark_filter=-{left_out}"] if left_out else [])
        + ([f"--benchmark_out={out}", "--benchmark_out_format=json"] if out else [])
    )


def unregistered_counters(results: pathlib.Path) -> list:
    """Problems: counters the family's benchmarks emitted that ybresults/counters.py does not register."""
    document = ybresults.read_partial(results)
    if document is None:
        return []  # the run's own failure says why there is nothing
    return [
        f"counter '{name}' is not in ybresults/counters.py (register it: name, unit, better direction, meaning)"
        for name in counters.unregistered(document["benchmarks"])
    ]


# Flags by which the build narrows a sanitizer for particular sources (the top-level
# CMakeLists.txt says why, at yb_without_tsan_call_tracking and yb_needs_tail_calls).
EXEMPTION_FLAGS = {
    "--param=tsan-instrument-func-entry-exit=0": "without TSan's function entry/exit hooks",
    "--param=asan-stack=0": "without ASan's stack instrumentation",
    "-foptimize-sibling-calls": "with sibling calls",
}


def sanitizer_exemptions(build_dir: pathlib.Path) -> list:
    """(source relative to the repository, what is different) for every source the build compiled
    with one of EXEMPTION_FLAGS, from its compile_commands.json; none when there is none."""
    try:
        commands = json.loads((build_dir / "compile_commands.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = {}
    for entry in commands:
        flags = [text for flag, text in EXEMPTION_FLAGS.items() if flag in entry.get("command", "").split()]
        if flags:
            source = pathlib.Path(entry["file"])
            shown = str(source.relative_to(paths.REPO_ROOT)) if source.is_relative_to(paths.REPO_ROOT) else str(source)
            found[shown] = ", ".join(flags)
    return sorted(found.items())


def family_run_problems(output: str, log: str) -> list:
    """What went wrong in one sanitized family run, from its progress lines (stdout) and its stderr:
    benchmarks that ended with an error (skips are not errors), and sanitizer reports."""
    problems = [f"{event.name}: {event.status}" for event in progress.parse(output) if event.failed]
    problems += [line.strip() for line in log.splitlines() if SANITIZER_REPORT.search(line)][:5]
    return problems


def unfinished_benchmark(output: str):
    """The benchmark that was running when the executable ended (crashed or was ended), if any."""
    events = progress.parse(output)
    return events[-1].name if events and events[-1].running else None


def _run_family_sanitized(
    family: str, executable: pathlib.Path, left_out: str, log_dir: pathlib.Path, environment: dict
) -> bool:
    stdout_path, stderr_path = log_dir / f"{family}.stdout", log_dir / f"{family}.stderr"
    results_path = log_dir / f"{family}.json"
    build.say(f"running every {family} benchmark once, sanitized (at most {FAMILY_TIMEOUT_SECONDS} s)")
    started = time.monotonic()
    with open(stdout_path, "w", encoding="utf-8") as stdout, open(stderr_path, "w", encoding="utf-8") as stderr:
        # Its own session, so a timeout ends the benchmark's children too (they share its process group).
        child = subprocess.Popen(
            sanitized_family_command(executable, left_out, results_path),
            stdout=stdout,
            stderr=stderr,
            cwd=paths.REPO_ROOT,
            env=environment,
            start_new_session=True,
        )
        try:
            status = child.wait(timeout=FAMILY_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            status = None
        except BaseException:
            _end_group(child)
            raise
        if status is None:
            _end_group(child)
    seconds = time.monotonic() - started
    output = stdout_path.read_text(encoding="utf-8", errors="replace")
    log = stderr_path.read_text(encoding="utf-8", errors="replace")
    problems = family_run_problems(output, log) + unregistered_counters(results_path)
    if status is None or status != 0:
        how = (
            f"still running after {FAMILY_TIMEOUT_SECONDS} s, ended"
            if status is None
            else f"ended with signal {-status}"
            if status < 0
            else f"ended with exit status {status}"
        )
        running = unfinished_benchmark(output)
        problems.insert(0, f"{executable.name} {how}" + (f" during {running}" if running else ""))
    counts = _progress_counts(output)
    build.say(f"{family}: {counts['ok']} ok, {counts['skipped']} skipped, {counts['error']} failed, {seconds:.0f} s")
    if problems:
        for problem in problems:
            build.say(f"{family}: {problem}")
        build.say(
            f"{family}: full output in {stdout_path.relative_to(paths.REPO_ROOT)} and "
            f"{stderr_path.relative_to(paths.REPO_ROOT)}"
        )
    return not problems


def _progress_counts(output: str) -> dict:
    events = [event for event in progress.parse(output) if not event.running]
    return {
        "ok": sum(event.ok for event in events),
        "skipped": sum(event.skipped for event in events),
        "error": sum(event.failed for event in events),
    }


def _end_group(child: subprocess.Popen) -> None:
    """Ends the family executable we started and its children (its own process group), then reaps it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _verdict(failed: list) -> int:
    if failed:
        build.say(f"FAILED: {' and '.join(failed)} (see above)")
        return 1
    return 0
