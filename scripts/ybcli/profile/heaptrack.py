"""heaptrack: what the benchmark allocates, and where.

The whole process (heaptrack cannot be switched per region): allocations by call site, peak and total,
the harness's own per-operation heap counters beside them, and allocation flame graphs."""
import pathlib
import re
import shutil
import subprocess

from .. import flamegraph, paths
from ..errors import SetupError
from .codemap import code_map, demangle
from .outcome import ONE_ITERATION, Outcome, benchmark_command, benchmark_result, first_benchmark, run_tool
from .selection import Selection


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
    benchmark = benchmark_command(
        selection, out_dir, [f"--benchmark_min_time={ONE_ITERATION}", f"--benchmark_repetitions={args.iterations}"]
    )
    run_tool(["heaptrack", "-o", str(out_dir / "heaptrack")] + benchmark, out_dir, "heaptrack", timeout=600)
    found = sorted(out_dir.glob("heaptrack.*")) + sorted(out_dir.glob("heaptrack"))
    data = next((path for path in found if path.suffix in (".zst", ".gz") or path.name == "heaptrack"), None)
    if data is None:
        raise SetupError(
            f"heaptrack wrote no data file in {paths.shown(out_dir)}; see {paths.shown(out_dir / 'run.log')}"
        )

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
    outcome.explore += [
        f"heaptrack_print {paths.shown(data)}",
        f"heaptrack_print -l 1 {paths.shown(data)}   # leaks too",
    ]
    if shutil.which("heaptrack_gui"):
        outcome.explore.append(f"heaptrack_gui {paths.shown(data)}")
    else:
        outcome.notes.append(
            "heaptrack_gui is not installed (apt-get install heaptrack-gui, on a machine with a display)"
        )
    benchmark_result(outcome, out_dir)
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


def _heap_counters(path: pathlib.Path) -> str:
    bench = first_benchmark(path)
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
    """Always one decimal above bytes (781.2 KiB): not units.fmt_bytes, whose three significant digits
    would change the tables' wording."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024.0
    return str(count)
