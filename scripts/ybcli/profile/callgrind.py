"""callgrind: the instructions one operation executes, by function.

valgrind --tool=callgrind --instr-atstart=no: the harness switches instrumentation on around the timed
loop only (CALLGRIND_START/STOP_INSTRUMENTATION); each repetition is exactly one operation, so
--iterations N counts N operations; top functions by exclusive and inclusive instructions."""
import os
import pathlib
import re
import shutil
import subprocess

from .. import paths
from ..errors import SetupError
from .codemap import code_map, demangle
from .outcome import ONE_ITERATION, Outcome, benchmark_command, pct, run_tool
from .render import plain_table
from .selection import Selection


def profile_callgrind(selection: Selection, out_dir: pathlib.Path, args, _modifier: str) -> Outcome:
    outcome = Outcome()
    data = out_dir / "callgrind.out"
    benchmark = benchmark_command(
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
    run_tool(
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
    table_file.write_text("\n\n".join(plain_table(*table) for table in outcome.tables) + "\n", encoding="utf-8")
    per_op = total / (args.iterations * len(selection.names)) if total else 0
    outcome.facts += [
        ("measured region", "the timed loop only (CALLGRIND_START/STOP_INSTRUMENTATION, --instr-atstart=no)"),
        ("operations measured", f"{args.iterations} per benchmark (each repetition is one iteration)"),
        ("instructions (Ir)", f"{total:,} in all, {per_op:,.0f} per operation"),
        ("own code", ", ".join(codes.own_files) or "(no object file found)"),
    ]
    outcome.artifacts += [(data, "callgrind's profile"), (table_file, "top functions, exclusive and inclusive")]
    outcome.explore += [
        f"callgrind_annotate {paths.shown(data)}",
        f"callgrind_annotate --inclusive=yes --tree=caller {paths.shown(data)}",
    ]
    for path in codes.own_files:
        outcome.explore.append(
            f"callgrind_annotate --auto=no {paths.shown(data)} {paths.REPO_ROOT / path}   # per source line"
        )
    if shutil.which("kcachegrind"):
        outcome.explore.append(f"kcachegrind {paths.shown(data)}")
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
    return f"{count:,} ({pct(count, total)})"


def _short(function: str, width: int = 110) -> str:
    function = function.replace(str(paths.REPO_ROOT) + "/", "")
    return function if len(function) <= width else function[: width - 2] + ".."
