"""`yieldbench profile NAME_OR_REGEX --tool perf|callgrind|heaptrack`: one benchmark under a profiler.

Builds the `profile` preset (frame pointers, debug info), runs only the matching benchmark(s) under
the tool, bounded in time, and writes under results/profile/<name>/<tool>/ the tool's own file, a
flame graph or a top-functions table, and index.html linking them; prints what it wrote and the
commands that explore it further.

  perf       perf record -e cpu-clock --call-graph fp (a hardware cycles event where the machine has
             one), switched on only around the timed loop through `perf record --control` and the
             harness's --yb_perf_control; samples split into the implementation's own code, the
             workload's shared code, the harness and libraries, and the kernel; a flame graph.
  callgrind  valgrind --tool=callgrind --instr-atstart=no: the harness switches instrumentation on
             around the timed loop only (CALLGRIND_START/STOP_INSTRUMENTATION); each repetition is
             exactly one operation, so --iterations N counts N operations; top functions by
             exclusive and inclusive instructions.
  heaptrack  the whole process (heaptrack cannot be switched per region): allocations by call site,
             peak and total, and an allocation flame graph.
"""
import argparse
import os
import pathlib
import shutil
import time
from dataclasses import dataclass

from .. import arguments, build, families, options, paths
from ..errors import SetupError, UsageError
from .callgrind import profile_callgrind
from .heaptrack import profile_heaptrack
from .perf import profile_perf
from .preconditions import PRESET, TOOLS, check_tool, perf_event_modifier, perf_paranoid
from .render import render_page, render_terminal
from .selection import Selection, select


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "benchmark",
        metavar="NAME_OR_REGEX",
        help="a full benchmark name (exactly that one) or a regular expression (every match)",
    )
    parser.add_argument("--tool", choices=TOOLS, required=True, help="the profiler: " + ", ".join(TOOLS))
    parser.add_argument(
        "--seconds",
        type=arguments.positive_float,
        default=3.0,
        metavar="S",
        help="perf: minimum time of each benchmark's timed loop (default 3)",
    )
    parser.add_argument(
        "--iterations",
        type=arguments.positive_int,
        default=3,
        metavar="N",
        help="callgrind and heaptrack: operations measured per benchmark (default 3)",
    )
    parser.add_argument(
        "--top", type=arguments.positive_int, default=10, metavar="N", help="functions shown in the tables (default 10)"
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=paths.RESULTS / "profile",
        metavar="DIR",
        help="results go to DIR/<name>/<tool>/ (default: results/profile/)",
    )
    parser.add_argument(
        "--no-build", action="store_true", help="use the profile preset as it is built (for tests and repeated runs)"
    )


@dataclass(frozen=True)
class Options:
    benchmark: str  # a full benchmark name, or a regular expression
    tool: str
    seconds: float = 3.0
    iterations: int = 3
    top: int = 10
    out: pathlib.Path = paths.RESULTS / "profile"
    no_build: bool = False

    def __post_init__(self):
        if self.tool not in TOOLS:
            raise UsageError(f"unknown tool '{self.tool}' (known: {', '.join(TOOLS)})")


def options_from(args: argparse.Namespace) -> Options:
    return options.from_namespace(Options, args)


def execute(args: Options) -> int:
    if not args.no_build:
        build.bootstrap(profiling=True)  # installs the tool first where it can
    check_tool(args.tool)
    modifier = perf_event_modifier(perf_paranoid(), os.geteuid()) if args.tool == "perf" else ""
    if not args.no_build:
        build.build(PRESET)
    executables = families.executables(PRESET)
    if not executables:
        raise SetupError(f"the {PRESET} preset has no family executables in {paths.shown(paths.bin_dir(PRESET))}/")
    selection = select(args.benchmark, executables)
    out_dir = (args.out / selection.label / args.tool).resolve()
    # This benchmark's previous profile with this tool is set aside, and comes back if this one fails.
    previous = out_dir.with_name(f".{out_dir.name}.previous")
    try:
        if out_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
            out_dir.rename(previous)
        out_dir.mkdir(parents=True)
    except OSError as error:
        if previous.exists() and not out_dir.exists():
            previous.rename(out_dir)
        blocker = next((parent for parent in out_dir.parents if parent.is_file()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else error.strerror
        raise UsageError(f"cannot create the output folder {out_dir}: {reason}") from None
    try:
        _profile(selection, out_dir, args, modifier)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        if previous.exists():
            previous.rename(out_dir)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return 0


def _profile(selection: Selection, out_dir: pathlib.Path, args: argparse.Namespace, modifier: str) -> None:
    shown = ", ".join(selection.names[:3]) + (
        f" and {len(selection.names) - 3} more" if len(selection.names) > 3 else ""
    )
    build.say(f"profiling {shown} with {args.tool} into {paths.shown(out_dir)}/")

    started = time.monotonic()
    runner = {"perf": profile_perf, "callgrind": profile_callgrind, "heaptrack": profile_heaptrack}[args.tool]
    outcome = runner(selection, out_dir, args, modifier)
    outcome.facts.insert(0, ("benchmarks", "<br>".join(selection.names)))
    outcome.facts.append(("profiling took", f"{time.monotonic() - started:.1f} s"))
    page = out_dir / "index.html"
    page.write_text(render_page(selection, args.tool, outcome, out_dir), encoding="utf-8")
    outcome.artifacts.append((page, "this profile's page: the tables above, links to every file"))

    print(render_terminal(selection, args.tool, outcome))
