"""perf: where the CPU time of the timed loop goes.

perf record -e cpu-clock --call-graph fp (a hardware cycles event where the machine has one), switched on
only around the timed loop through `perf record --control` and the harness's --yb_perf_control; samples
split into the implementation's own code, the workload's shared code, the harness and libraries, and the
kernel; a flame graph coloured by that split."""
import os
import pathlib
import re
import subprocess

from .. import flamegraph, paths
from ..errors import SetupError
from .codemap import CATEGORY_COLOR, CATEGORY_TEXT, code_map, demangle
from .outcome import Outcome, benchmark_command, benchmark_result, pct, run_tool
from .selection import Selection


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
    benchmark = benchmark_command(selection, out_dir, [f"--benchmark_min_time={args.seconds}"])
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
        run_tool(
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
        raise SetupError(
            f"perf recorded no samples of {', '.join(selection.names)}; see {paths.shown(out_dir / 'run.log')}"
        )
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
        rows.append([pct(weight, total, 2), pct(total_weight.get(name, 0), total, 2), categories.get(name, ""), name])
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
            [[pct(weight, total, 2), CATEGORY_TEXT[category]] for category, weight in by_category.items()],
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
        f"perf report -i {paths.shown(data)}",
        f"perf report -i {paths.shown(data)} --no-children --sort symbol",
        f"perf annotate -i {paths.shown(data)}",
    ]
    benchmark_result(outcome, out_dir)
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
