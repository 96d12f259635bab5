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
import html
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

import ybresults
from ybresults import names, units

from . import arguments, build, families, flamegraph, options, paths
from .errors import SetupError, UsageError

PRESET = "profile"
INSTALL = "scripts/bootstrap --profiling"
TOOLS = {  # tool -> the executables it needs
    "perf": ["perf"],
    "callgrind": ["valgrind", "callgrind_annotate"],
    "heaptrack": ["heaptrack", "heaptrack_print"],
}
VIEWERS = {"callgrind": "kcachegrind", "heaptrack": "heaptrack_gui"}
# Google Benchmark 1.7.1 has no fixed-iteration flag: a minimum time far below one operation makes
# every repetition exactly one iteration, so repetitions count operations.
ONE_ITERATION = "0.000000001"


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


# ---------------------------------------------------------------------------------------------
# Preconditions: the tool, perf's permission, the benchmark names.


def check_tool(tool: str) -> None:
    for executable in TOOLS[tool]:
        if shutil.which(executable) is None:
            raise SetupError(f"{tool} needs '{executable}', which is not installed; install it with: {INSTALL}")


def perf_paranoid(path: str = "/proc/sys/kernel/perf_event_paranoid"):
    try:
        return int(pathlib.Path(path).read_text().strip())
    except (OSError, ValueError):
        return None


def perf_event_modifier(paranoid, euid: int) -> str:
    """'' (user and kernel) or ':u' (user space only), or SetupError when perf may not sample at all."""
    if euid == 0 or paranoid is None or paranoid <= 1:
        return ""
    if paranoid == 2:
        return ":u"  # unprivileged: own user space only; the kernel share is then unmeasured
    raise SetupError(
        f"perf is not permitted: kernel.perf_event_paranoid is {paranoid}; run as root or lower it "
        f"(sudo sysctl kernel.perf_event_paranoid=2)"
    )


def sanitise(name: str) -> str:
    """A benchmark name or pattern as one folder name.

    'generators/x/iterator/n:1000' -> 'generators_x_iterator_n-1000'."""
    text = name.replace(":", "-")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_.")
    return text or "pattern"


@dataclass
class Selection:
    family: str
    executable: pathlib.Path
    names: list
    filter: str
    label: str  # the folder name


def select(pattern: str, executables: dict) -> Selection:
    """The benchmarks `pattern` names: exactly one when it is a full name, else every benchmark whose
    name (as reports show it, without Google Benchmark's suffixes) the regular expression matches."""
    listed = {family: families.benchmark_names(executable, ".") for family, executable in executables.items()}
    for family, listed_names in listed.items():
        if pattern in listed_names:
            return Selection(family, executables[family], [pattern], names.anchored(pattern), sanitise(pattern))
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise UsageError(f"'{pattern}' is neither a benchmark name nor a regular expression: {error}") from None
    found = {family: [name for name in listed_names if regex.search(name)] for family, listed_names in listed.items()}
    found = {family: matched for family, matched in found.items() if matched}
    if not found:
        raise UsageError(
            f"no benchmark matches '{pattern}' (see `scripts/yieldbench list`, or a build's "
            f"bin/yb_<family> --benchmark_list_tests)"
        )
    if len(found) > 1:
        raise UsageError(
            f"'{pattern}' matches benchmarks in {len(found)} families ({', '.join(found)}); "
            f"profile one family at a time"
        )
    family, matched = next(iter(found.items()))
    label = sanitise(matched[0]) if len(matched) == 1 else sanitise(pattern)
    return Selection(family, executables[family], matched, names.anchored(*matched), label)


# ---------------------------------------------------------------------------------------------
# What a profile produces, whatever the tool.


@dataclass
class Outcome:
    artifacts: list = field(default_factory=list)  # (path, what it is)
    tables: list = field(default_factory=list)  # (title, header row, rows)
    facts: list = field(default_factory=list)  # (label, value)
    explore: list = field(default_factory=list)  # shell commands
    notes: list = field(default_factory=list)


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
        raise SetupError(f"the {PRESET} preset has no family executables in {_shown(paths.bin_dir(PRESET))}/")
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
    build.say(f"profiling {shown} with {args.tool} into {_shown(out_dir)}/")

    started = time.monotonic()
    runner = {"perf": profile_perf, "callgrind": profile_callgrind, "heaptrack": profile_heaptrack}[args.tool]
    outcome = runner(selection, out_dir, args, modifier)
    outcome.facts.insert(0, ("benchmarks", "<br>".join(selection.names)))
    outcome.facts.append(("profiling took", f"{time.monotonic() - started:.1f} s"))
    page = out_dir / "index.html"
    page.write_text(render_page(selection, args.tool, outcome, out_dir), encoding="utf-8")
    outcome.artifacts.append((page, "this profile's page: the tables above, links to every file"))

    print(render_terminal(selection, args.tool, outcome))


def _shown(path: pathlib.Path) -> str:
    try:
        return str(path.resolve().relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)


def _benchmark_command(selection: Selection, out_dir: pathlib.Path, extra: list) -> list:
    return [
        str(selection.executable),
        f"--benchmark_filter={selection.filter}",
        f"--benchmark_out={out_dir / 'benchmark.json'}",
        "--benchmark_out_format=json",
        "--yb_latency_seconds=0",
        *extra,
    ]


def _run_tool(command: list, out_dir: pathlib.Path, what: str, timeout: float, **popen) -> None:
    """Runs the profiler over the benchmark; its output goes to <tool>.log, the last lines shown on failure."""
    log = out_dir / "run.log"
    with open(log, "w", encoding="utf-8") as output:
        output.write("$ " + " ".join(command) + "\n")
        output.flush()
        try:
            done = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, timeout=timeout, **popen)
        except subprocess.TimeoutExpired:
            raise SetupError(f"{what} ran past {timeout:.0f} s and was stopped; see {_shown(log)}") from None
    text = log.read_text(encoding="utf-8", errors="replace")
    if "perf_event_paranoid" in text or "No permission to enable" in text:
        raise SetupError(
            f"perf is not permitted (kernel.perf_event_paranoid is {perf_paranoid()}); run as root or "
            f"lower it (sudo sysctl kernel.perf_event_paranoid=2)"
        )
    if done.returncode != 0:
        print("\n".join(text.splitlines()[-15:]), file=sys.stderr)
        raise SetupError(f"{what} failed (exit {done.returncode}); its output is above and in {_shown(log)}")
    errors = [line for line in text.splitlines() if "ERROR OCCURRED" in line or "SkipWithError" in line]
    if errors:
        raise SetupError(f"the benchmark failed under {what}: {errors[0].strip()}")


# ---------------------------------------------------------------------------------------------
# Which code a function is: the implementation's own, its family's shared code, or the harness.


def implementation_of(name: str) -> str:
    parts = name.split("/")
    return parts[2] if len(parts) > 2 else ""


def family_objects(family: str) -> list:
    root = paths.build_dir(PRESET) / "benchmarks" / family
    return sorted(root.glob(f"CMakeFiles/yb_{family}_impls.dir/**/*.o"))


def defined_symbols(objects: list) -> set:
    """Mangled names of the functions defined in `objects` (text symbols, clones included)."""
    if not objects:
        return set()
    done = subprocess.run(["nm", "--defined-only", *map(str, objects)], capture_output=True, text=True)
    symbols = set()
    for line in done.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            symbols.add(fields[2])
    return symbols


@dataclass
class CodeMap:
    own: set  # the implementation's own file(s)
    family: set  # the rest of benchmarks/<family>/ (workloads, registration)
    own_files: list

    def category(self, symbol: str, kernel: bool) -> str:
        if kernel:
            return "kernel"
        if symbol in self.own:
            return "own"
        if symbol in self.family:
            return "workload"
        return "harness"


def code_map(selection: Selection) -> CodeMap:
    objects = family_objects(selection.family)
    implementations = {implementation_of(name) for name in selection.names}
    own_objects = [o for o in objects if o.name.split(".")[0] in implementations]
    own = defined_symbols(own_objects)
    return CodeMap(
        own,
        defined_symbols([o for o in objects if o not in own_objects]) - own,
        [f"benchmarks/{selection.family}/{o.name.rsplit('.', 1)[0]}" for o in own_objects],
    )


CATEGORY_TEXT = {
    "own": "the implementation's own code",
    "workload": "the workload's shared code (benchmarks/<family>/, not the implementation's file)",
    "harness": "harness, Google Benchmark and libraries (libc, libstdc++)",
    "kernel": "the kernel",
}
CATEGORY_COLOR = {
    "own": "hsl(28,90%,60%)",
    "workload": "hsl(50,85%,62%)",
    "harness": "hsl(205,60%,68%)",
    "kernel": "hsl(0,65%,66%)",
}


def demangle(symbols) -> dict:
    symbols = sorted(set(symbols))
    if not symbols or shutil.which("c++filt") is None:
        return {s: s for s in symbols}
    done = subprocess.run(["c++filt"], input="\n".join(symbols) + "\n", capture_output=True, text=True)
    lines = done.stdout.splitlines()
    return dict(zip(symbols, lines)) if len(lines) == len(symbols) else {s: s for s in symbols}


# ---------------------------------------------------------------------------------------------
# perf


def hardware_cycles_available() -> bool:
    done = subprocess.run(["perf", "stat", "-x,", "-e", "cycles", "true"], capture_output=True, text=True)
    return done.returncode == 0 and "<not supported>" not in done.stderr and "<not counted>" not in done.stderr


def perf_supports_control() -> bool:
    done = subprocess.run(["perf", "record", "-h"], capture_output=True, text=True)
    return "--control" in done.stdout + done.stderr


def profile_perf(selection: Selection, out_dir: pathlib.Path, args, modifier: str) -> Outcome:
    outcome = Outcome()
    data = out_dir / "perf.data"
    event = ("cycles" if hardware_cycles_available() else "cpu-clock") + modifier
    benchmark = _benchmark_command(selection, out_dir, [f"--benchmark_min_time={args.seconds}"])
    command = ["perf", "record", "-e", event, "--call-graph", "fp", "-o", str(data)]
    fds = ()
    if perf_supports_control():
        control_r, control_w = os.pipe()
        ack_r, ack_w = os.pipe()
        fds = (control_r, control_w, ack_r, ack_w)
        command += ["--delay=-1", "--control", f"fd:{control_r},{ack_w}"]
        benchmark.append(f"--yb_perf_control={control_w},{ack_r}")
        region = "the timed loops only (perf --control, switched by the harness)"
    else:
        region = "the whole process (this perf has no --control)"
        outcome.notes.append("perf has no --control here: samples cover the whole process, warm-up and probes included")
    try:
        _run_tool(
            command + ["--"] + benchmark,
            out_dir,
            "perf record",
            timeout=60 + 20 * args.seconds * len(selection.names),
            pass_fds=fds,
        )
    finally:
        for fd in fds:
            os.close(fd)

    script = subprocess.run(
        ["perf", "script", "-i", str(data), "--no-demangle", "-F", "comm,period,ip,sym,dso"],
        capture_output=True,
        text=True,
    )
    if script.returncode != 0:
        raise SetupError(f"perf script failed: {script.stderr.strip().splitlines()[-1:] or script.returncode}")
    samples = parse_perf_script(script.stdout)
    if not samples:
        raise SetupError(f"perf recorded no samples of {', '.join(selection.names)}; see {_shown(out_dir / 'run.log')}")
    codes = code_map(selection)
    demangled = demangle({frame for stack, _ in samples for frame, _ in stack})

    # Leaf ("self") shares per category and per function; folded stacks for the flame graph.
    total = sum(weight for _, weight in samples)
    by_category = {category: 0 for category in CATEGORY_TEXT}
    self_weight, total_weight, folded, categories = {}, {}, {}, {}
    for stack, weight in samples:
        leaf_symbol, leaf_kernel = stack[0]
        by_category[codes.category(leaf_symbol, leaf_kernel)] += weight
        leaf = demangled[leaf_symbol]
        self_weight[leaf] = self_weight.get(leaf, 0) + weight
        for shown in {demangled[symbol] for symbol, _ in stack}:
            total_weight[shown] = total_weight.get(shown, 0) + weight
        for symbol, kernel in stack:
            categories.setdefault(demangled[symbol], codes.category(symbol, kernel))
        key = tuple(demangled[symbol] for symbol, _ in reversed(stack))
        folded[key] = folded.get(key, 0) + weight

    folded_file = out_dir / "perf.folded"
    folded_file.write_text(flamegraph.folded_text(folded), encoding="utf-8")
    svg = out_dir / "flamegraph.svg"
    svg.write_text(
        flamegraph.render(
            folded,
            f"perf {event}: {', '.join(selection.names)}",
            "ns of CPU time" if event.startswith("cpu-clock") else event.split(":")[0],
            color=lambda name: CATEGORY_COLOR[categories.get(name, "harness")],
        ),
        encoding="utf-8",
    )

    unit = "samples"
    rows = []
    for name, weight in sorted(self_weight.items(), key=lambda item: -item[1])[: args.top]:
        rows.append([_pct(weight, total, 2), _pct(total_weight.get(name, 0), total, 2), categories.get(name, ""), name])
    outcome.tables.append(
        (
            f"top {args.top} functions by self samples ({len(samples):,} {unit})",
            ["self", "with callees", "code", "function"],
            rows,
        )
    )
    outcome.tables.append(
        (
            "where the samples fell (leaf frame)",
            ["share", "code"],
            [[_pct(weight, total, 2), CATEGORY_TEXT[category]] for category, weight in by_category.items()],
        )
    )
    outcome.facts += [
        ("event", event + ("  (no hardware counters on this machine)" if event.startswith("cpu-clock") else "")),
        ("call graph", "frame pointers (--call-graph fp)"),
        ("measured region", region),
        ("samples", f"{len(samples):,} (shares weighted by each sample's period)"),
        ("own code", ", ".join(codes.own_files) or "(no object file found)"),
    ]
    if modifier == ":u":
        outcome.notes.append(
            "user space only (kernel.perf_event_paranoid is 2 and not root): the kernel share is not measured"
        )
    outcome.artifacts += [
        (data, "perf's recording"),
        (folded_file, "folded stacks (one line per distinct stack)"),
        (svg, "flame graph (open in a browser; click to zoom)"),
    ]
    outcome.explore += [
        f"perf report -i {_shown(data)}",
        f"perf report -i {_shown(data)} --no-children --sort symbol",
        f"perf annotate -i {_shown(data)}",
    ]
    _benchmark_result(outcome, out_dir)
    return outcome


def parse_perf_script(text: str) -> list:
    """perf script output (-F comm,period,ip,sym,dso, with call chains) -> [(stack leaf-first, weight)];
    a stack frame is (symbol, in the kernel)."""
    samples = []
    stack, weight = [], 0
    for line in text.splitlines() + [""]:
        if not line.strip():
            if stack:
                samples.append((stack, weight or 1))
            stack, weight = [], 0
            continue
        if not line[0].isspace():  # the sample's header: comm then period
            fields = line.split()
            weight = int(fields[-1]) if fields and fields[-1].isdigit() else 1
            continue
        text_frame = line.strip()
        address, _, rest = text_frame.partition(" ")
        symbol, _, dso = rest.rpartition(" (")
        dso = dso.rstrip(")")
        symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol.strip()) or f"[{pathlib.Path(dso).name or 'unknown'}]"
        kernel = "kernel" in dso or dso.startswith("[") and not dso.startswith("[unknown") or address.startswith("ffff")
        if symbol == "[unknown]":
            symbol = f"[{pathlib.Path(dso).name}]" if dso and dso != "[unknown]" else "[unknown]"
        stack.append((symbol, kernel))
    return samples


def _pct(part: float, whole: float, digits: int = 1) -> str:
    return f"{100.0 * part / whole:.{digits}f}%" if whole else "-"


def _benchmark_result(outcome: Outcome, out_dir: pathlib.Path) -> None:
    """Time per operation as the benchmark itself reported it (under the profiler)."""
    path = out_dir / "benchmark.json"
    bench = _first_benchmark(path)
    if bench is not None and bench.samples("time_ns"):
        outcome.facts.append(
            (
                f"time/op under the profiler ({bench.run_name})",
                f"{units.fmt_time(bench.samples('time_ns')[0])} ({len(bench.repetitions)} repetition(s))",
            )
        )
    outcome.artifacts.append((path, "Google Benchmark's JSON of the profiled run (times include the profiler)"))


# ---------------------------------------------------------------------------------------------
# callgrind


def profile_callgrind(selection: Selection, out_dir: pathlib.Path, args, _modifier: str) -> Outcome:
    outcome = Outcome()
    data = out_dir / "callgrind.out"
    benchmark = _benchmark_command(
        selection,
        out_dir,
        [
            f"--benchmark_min_time={ONE_ITERATION}",
            f"--benchmark_repetitions={args.iterations}",
            "--benchmark_report_aggregates_only=false",
        ],
    )
    # LD_BIND_NOW: the dynamic linker's lazy symbol lookups would otherwise land in the first
    # measured operation (they are a one-time cost, not the implementation's).
    _run_tool(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={data}", "--"] + benchmark,
        out_dir,
        "valgrind --tool=callgrind",
        timeout=600,
        env={**os.environ, "LD_BIND_NOW": "1"},
    )
    exclusive = callgrind_annotate(data, inclusive=False)
    inclusive = callgrind_annotate(data, inclusive=True)
    total = exclusive.pop("PROGRAM TOTALS", (None, 0))[1] or sum(cost for _, cost in exclusive.values())
    inclusive.pop("PROGRAM TOTALS", None)
    codes = code_map(selection)
    own_names = set(demangle(codes.own).values())
    family_names = set(demangle(codes.family).values())

    def row(function, first, second):
        file = (exclusive.get(function) or inclusive.get(function))[0]
        code = "own" if function in own_names else ("workload" if function in family_names else "")
        return [_count_pct(first, total), _count_pct(second, total), code, _short(function), _short(file, 60)]

    header = ["exclusive", "inclusive", "code", "function", "file"]
    by_self = sorted(exclusive.items(), key=lambda item: -item[1][1])[: args.top]
    by_incl = sorted(inclusive.items(), key=lambda item: -item[1][1])[: args.top]
    outcome.tables.append(
        (
            f"top {args.top} functions by exclusive instructions (Ir, {total:,} in all)",
            header,
            [row(f, cost, inclusive.get(f, ("", 0))[1]) for f, (_, cost) in by_self],
        )
    )
    incl_rows = [row(f, exclusive.get(f, ("", 0))[1], cost) for f, (_, cost) in by_incl]
    outcome.tables.append((f"top {args.top} functions by inclusive instructions", header, incl_rows))
    table_file = out_dir / "top_functions.txt"
    table_file.write_text("\n\n".join(_plain_table(*table) for table in outcome.tables) + "\n", encoding="utf-8")
    per_op = total / (args.iterations * len(selection.names)) if total else 0
    outcome.facts += [
        ("measured region", "the timed loop only (CALLGRIND_START/STOP_INSTRUMENTATION, --instr-atstart=no)"),
        ("operations measured", f"{args.iterations} per benchmark (each repetition is one iteration)"),
        ("instructions (Ir)", f"{total:,} in all, {per_op:,.0f} per operation"),
        ("own code", ", ".join(codes.own_files) or "(no object file found)"),
    ]
    outcome.artifacts += [(data, "callgrind's profile"), (table_file, "top functions, exclusive and inclusive")]
    outcome.explore += [
        f"callgrind_annotate {_shown(data)}",
        f"callgrind_annotate --inclusive=yes --tree=caller {_shown(data)}",
    ]
    for path in codes.own_files:
        outcome.explore.append(
            f"callgrind_annotate --auto=no {_shown(data)} {paths.REPO_ROOT / path}   # per source line"
        )
    if shutil.which("kcachegrind"):
        outcome.explore.append(f"kcachegrind {_shown(data)}")
    else:
        outcome.notes.append("kcachegrind is not installed (apt-get install kcachegrind, on a machine with a display)")
    return outcome


def callgrind_annotate(data: pathlib.Path, inclusive: bool) -> dict:
    """function -> (its main file, Ir), from callgrind_annotate's listing (every function: --threshold=100).
    A function's lines in several files (inlined headers) are one entry: exclusive costs add up,
    inclusive ones are the largest (each file's entry already counts the callees)."""
    done = subprocess.run(
        [
            "callgrind_annotate",
            f"--inclusive={'yes' if inclusive else 'no'}",
            "--threshold=100",
            "--auto=no",
            str(data),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SetupError(f"callgrind_annotate failed: {done.stderr.strip().splitlines()[-1:]}")
    costs, best = {}, {}
    for line in done.stdout.splitlines():
        match = re.match(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.+?)\s*$", line)
        if not match:
            continue
        cost, name = int(match.group(1).replace(",", "")), re.sub(r"\s+\[[^\]]*\]$", "", match.group(2))
        if name.startswith("PROGRAM TOTALS"):
            costs["PROGRAM TOTALS"] = ("", cost)
            continue
        file, function = _split_file(name)
        previous_file, previous = costs.get(function, ("", 0))
        if cost > best.get(function, -1):
            best[function], previous_file = cost, file
        costs[function] = (previous_file, max(previous, cost) if inclusive else previous + cost)
    return costs


def _split_file(entry: str):
    """'file:function' -> (file, function); the file never contains '(' and ends before the first ':'
    that is not part of '::'."""
    match = re.match(r"^([^:(]*?):(?!:)(.*)$", entry)
    return (match.group(1), match.group(2)) if match else ("", entry)


def _count_pct(count: int, total: int) -> str:
    return f"{count:,} ({_pct(count, total)})"


def _short(function: str, width: int = 110) -> str:
    function = function.replace(str(paths.REPO_ROOT) + "/", "")
    return function if len(function) <= width else function[: width - 2] + ".."


# ---------------------------------------------------------------------------------------------
# heaptrack

ALLOCATOR_FRAMES = re.compile(
    r"^(operator new|operator delete|malloc|calloc|realloc|free|posix_memalign|aligned_alloc|"
    r"std::|__gnu_cxx::|__new_allocator|yb::heap::|void std::|<unresolved|\?\?)"
)


ALLOCATOR_FILES = {
    "heap_counter.cpp",
    "new_allocator.h",
    "allocator.h",
    "alloc_traits.h",
    "stl_vector.h",
    "vector.tcc",
    "basic_string.h",
    "basic_string.tcc",
    "stl_construct.h",
    "stl_uninitialized.h",
}


def profile_heaptrack(selection: Selection, out_dir: pathlib.Path, args, _modifier: str) -> Outcome:
    outcome = Outcome()
    benchmark = _benchmark_command(
        selection, out_dir, [f"--benchmark_min_time={ONE_ITERATION}", f"--benchmark_repetitions={args.iterations}"]
    )
    _run_tool(["heaptrack", "-o", str(out_dir / "heaptrack")] + benchmark, out_dir, "heaptrack", timeout=600)
    found = sorted(out_dir.glob("heaptrack.*")) + sorted(out_dir.glob("heaptrack"))
    data = next((path for path in found if path.suffix in (".zst", ".gz") or path.name == "heaptrack"), None)
    if data is None:
        raise SetupError(f"heaptrack wrote no data file in {_shown(out_dir)}; see {_shown(out_dir / 'run.log')}")

    printed = subprocess.run(
        ["heaptrack_print", "-f", str(data), "-p", "1", "-a", "1", "-T", "0", "-n", "20", "-s", "10"],
        capture_output=True,
        text=True,
    )
    if printed.returncode != 0:
        raise SetupError(f"heaptrack_print failed: {printed.stderr.strip().splitlines()[-1:]}")
    report = out_dir / "heaptrack.txt"
    report.write_text(printed.stdout, encoding="utf-8")

    stacks = {}
    for cost in ("allocations", "peak"):
        folded = out_dir / f"heaptrack.{cost}.folded"
        subprocess.run(
            [
                "heaptrack_print",
                "-f",
                str(data),
                "-p",
                "0",
                "-a",
                "0",
                "-T",
                "0",
                "--flamegraph-cost-type",
                cost,
                "-F",
                str(folded),
            ],
            capture_output=True,
            text=True,
        )
        stacks[cost] = flamegraph.parse_folded(folded.read_text(errors="replace")) if folded.exists() else {}
        outcome.artifacts.append((folded, f"folded allocation stacks, cost: {cost}"))

    codes = code_map(selection)
    own_names = set(demangle(codes.own).values())
    own_files = {pathlib.Path(path).name for path in codes.own_files}

    def site(stack):
        """The innermost frame that is not the allocator, the harness's counting hook or the standard
        library: the call site, as 'function (file)'."""
        frames = [frame for frame in stack if frame]
        for frame in reversed(frames):
            name, _, file = frame.rpartition(" (") if frame.endswith(")") and " (" in frame else (frame, "", "")
            if (
                ALLOCATOR_FRAMES.match(name)
                or file.rstrip(")") in ALLOCATOR_FILES
                or name in ("allocate", "deallocate")
            ):
                continue
            return frame
        return frames[-1] if frames else "?"

    sites = {}
    for cost, folded in stacks.items():
        for stack, count in folded.items():
            entry = sites.setdefault(site(stack), {"allocations": 0, "peak": 0})
            entry[cost] += count
    rows = []
    for name, entry in sorted(sites.items(), key=lambda item: (-item[1]["peak"], -item[1]["allocations"]))[: args.top]:
        function, _, file = name.rpartition(" (") if name.endswith(")") and " (" in name else (name, "", "")
        own = function in own_names or file.rstrip(")") in own_files
        rows.append([_bytes(entry["peak"]), f"{entry['allocations']:,}", "own" if own else "", name])
    outcome.tables.append(
        (
            f"allocations by call site (top {args.top} by bytes at the peak)",
            ["at peak", "allocations", "code", "call site"],
            rows,
        )
    )
    summary = heaptrack_summary(printed.stdout)
    histogram = out_dir / "heaptrack.sizes.txt"
    subprocess.run(
        ["heaptrack_print", "-f", str(data), "-p", "0", "-a", "0", "-T", "0", "-H", str(histogram)],
        capture_output=True,
        text=True,
    )
    total_bytes = _histogram_total(histogram)
    if total_bytes is not None:
        summary["total allocated"] = f"{_bytes(total_bytes)} (the whole process, from the size histogram)"
        outcome.artifacts.append((histogram, "allocation sizes: size, count"))
    per_op = _heap_counters(out_dir / "benchmark.json")
    if per_op:
        summary["one operation (harness counters)"] = per_op
    outcome.facts += [(label, value) for label, value in summary.items()]
    outcome.facts += [
        (
            "measured region",
            "the whole process (warm-up, memory probe and harness included); "
            f"{args.iterations} timed operation(s) per benchmark",
        ),
        ("own code", ", ".join(codes.own_files) or "(no object file found)"),
    ]
    svg = out_dir / "flamegraph.svg"
    svg.write_text(
        flamegraph.render(
            stacks["peak"] or stacks["allocations"],
            f"heaptrack, bytes at the peak: {', '.join(selection.names)}",
            "bytes" if stacks["peak"] else "allocations",
        ),
        encoding="utf-8",
    )
    svg_calls = out_dir / "flamegraph_allocations.svg"
    svg_calls.write_text(
        flamegraph.render(
            stacks["allocations"], f"heaptrack, allocation calls: " f"{', '.join(selection.names)}", "allocations"
        ),
        encoding="utf-8",
    )
    outcome.artifacts[:0] = [(data, "heaptrack's recording"), (report, "heaptrack_print's report")]
    outcome.artifacts += [
        (svg, "allocation flame graph, bytes at the peak"),
        (svg_calls, "allocation flame graph, number of allocations"),
    ]
    outcome.explore += [f"heaptrack_print {_shown(data)}", f"heaptrack_print -l 1 {_shown(data)}   # leaks too"]
    if shutil.which("heaptrack_gui"):
        outcome.explore.append(f"heaptrack_gui {_shown(data)}")
    else:
        outcome.notes.append(
            "heaptrack_gui is not installed (apt-get install heaptrack-gui, on a machine with a display)"
        )
    _benchmark_result(outcome, out_dir)
    return outcome


def _histogram_total(path: pathlib.Path):
    try:
        lines = path.read_text().split("\n")
    except OSError:
        return None
    total = 0
    for line in lines:
        fields = line.split()
        if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
            total += int(fields[0]) * int(fields[1])
    return total


def _first_benchmark(path: pathlib.Path):
    """The first benchmark of the profiled run's results, or None when it wrote none that can be read."""
    try:
        return next(iter(ybresults.load(path).benchmarks.values()), None)
    except ybresults.ResultsError:
        return None


def _heap_counters(path: pathlib.Path) -> str:
    bench = _first_benchmark(path)
    if bench is None or not bench.repetitions or "heap_allocs" not in bench.repetitions[0]:
        return ""
    first = bench.repetitions[0]
    return (
        f"{first['heap_allocs']:.0f} allocations, peak {_bytes(first.get('heap_peak_bytes', 0))}, "
        f"total {_bytes(first.get('heap_total_bytes', 0))}"
    )


def heaptrack_summary(text: str) -> dict:
    labels = {
        "calls to allocation functions": "allocation calls",
        "temporary memory allocations": "temporary allocations",
        "peak heap memory consumption": "peak heap",
        "peak RSS (including heaptrack overhead)": "peak RSS (with heaptrack)",
        "total memory leaked": "leaked at exit",
        "bytes allocated in total (ignoring deallocations)": "total allocated",
        "total runtime": "runtime",
    }
    found = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        if label.strip() in labels and value.strip():
            found[labels[label.strip()]] = value.strip().rstrip(".")
    return found


def _bytes(count: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024.0
    return str(count)


# ---------------------------------------------------------------------------------------------
# Output: the terminal and index.html.


def _plain_table(title: str, header: list, rows: list) -> str:
    widths = (
        [max(len(str(cell)) for cell in column) for column in zip(header, *rows)] if rows else [len(h) for h in header]
    )
    lines = [title]
    for cells in [header] + rows:
        lines.append(
            "  "
            + "  ".join(
                str(cell).rjust(width) if index < len(cells) - 1 and index < 2 else str(cell).ljust(width)
                for index, (cell, width) in enumerate(zip(cells, widths))
            ).rstrip()
        )
    return "\n".join(lines)


def render_terminal(selection: Selection, tool: str, outcome: Outcome) -> str:
    lines = [""]
    for label, value in outcome.facts[1:]:
        lines.append(f"{label}: {value}")
    for table in outcome.tables:
        lines += ["", _plain_table(*table)]
    if outcome.notes:
        lines += [""] + [f"note: {note}" for note in outcome.notes]
    lines += ["", "wrote:"] + [f"  {_shown(path)}  {what}" for path, what in outcome.artifacts]
    lines += ["", "explore further:"] + [f"  {command}" for command in outcome.explore if command]
    return "\n".join(lines)


def render_page(selection: Selection, tool: str, outcome: Outcome, out_dir: pathlib.Path) -> str:
    esc = html.escape
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>{esc(tool)}: {esc(selection.label)}</title>",
        "<style>body{font:14px sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}td.n{text-align:right;white-space:nowrap}"
        "code{background:#f4f4f4;padding:1px 4px}td.own{background:hsl(28,90%,85%)}</style>",
        f"<h1>{esc(tool)} profile</h1><table>",
    ]
    for label, value in outcome.facts:
        parts.append(f"<tr><th>{esc(label)}</th><td>{value if label == 'benchmarks' else esc(str(value))}</td></tr>")
    parts.append("</table>")
    for path, what in outcome.artifacts:
        if path.suffix == ".svg":
            parts.append(
                f"<h2>{esc(what)}</h2><p><a href='{esc(path.name)}'>"
                f"<img src='{esc(path.name)}' style='max-width:100%'></a>"
                f" <br><small>(open <a href='{esc(path.name)}'>{esc(path.name)}</a> on its own to zoom)</small></p>"
            )
    for title, header, rows in outcome.tables:
        parts.append(f"<h2>{esc(title)}</h2><table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
        for row in rows:
            cells = []
            for index, cell in enumerate(row):
                css = "n" if index < 2 and index < len(row) - 1 else ("own" if cell == "own" else "")
                cells.append(f"<td class='{css}'>{esc(str(cell))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    if outcome.notes:
        parts.append("<h2>notes</h2><ul>" + "".join(f"<li>{esc(note)}</li>" for note in outcome.notes) + "</ul>")
    parts.append("<h2>files</h2><ul>")
    for path, what in outcome.artifacts:
        parts.append(f"<li><a href='{esc(path.name)}'>{esc(path.name)}</a>: {esc(what)}</li>")
    parts.append("<li><a href='run.log'>run.log</a>: the profiler's command line and output</li></ul>")
    parts.append("<h2>explore further</h2><pre>" + esc("\n".join(c for c in outcome.explore if c)) + "</pre>")
    return "\n".join(parts) + "\n"
