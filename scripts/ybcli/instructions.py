"""`yieldbench run --measure instructions`: instructions per operation under valgrind's callgrind.

Each covered benchmark runs in its own `valgrind --tool=callgrind --instr-atstart=no` process:

  * the harness switches instrumentation on and off at the edges of measure()'s timed loop
    (CALLGRIND_START/STOP_INSTRUMENTATION in harness/instrumentation.cpp), so warm-up, the memory
    probe, the latency pass, Google Benchmark and the process's start and end are not counted;
  * `--benchmark_min_time=1e-9` makes every repetition exactly one iteration (one operation);
  * `--dump-after=yb::instrumentation::measured_region_end` writes one profile part per timed loop,
    so every repetition gets its own count (the `totals:` line of its part: callgrind's `summary:`
    is wrong after instrumentation is toggled);
  * LD_BIND_NOW=1, so the dynamic linker's lazy symbol binding is not counted in the first repetition.

Results have the shape `yieldbench run` writes: one entry per repetition, with
real_time = cpu_time = instructions per operation, `time_unit` "Ir" (callgrind's name for executed
instructions), a counter `instructions` with the same value, the heap counters (deterministic, so
kept), and no time-derived counters (context switches, latency, items_per_second: meaningless under
valgrind's serialising, ~50x slower CPU). The file says `"measure": "instructions"` in its
`yieldbench` block and `yb_measure` in its context, so `yieldbench compare` never mixes it with time.

Coverage: only code whose instruction count is a property of the code, not of the scheduler:
  covered   generators (all), coroutines (every implementation but thread_handoff)
  excluded  parallelism, io, coroutines/*/thread_handoff: their operations wait on other threads,
            child processes or sockets. Under valgrind threads are serialised (one runs at a time),
            children are not traced, spin and retry loops run as often as the scheduling makes them,
            and the kernel's work (the bulk of a syscall-heavy operation) is never counted.
  note      coroutines/*/ucontext calls rt_sigprocmask on every switch: its user-space count is
            deterministic and covered, but the syscall's kernel cost is invisible in this mode."""
import os
import pathlib
import subprocess
import tempfile

import ybresults
from ybresults import names, progress

from . import build, families, paths, runfolder
from .progress import Progress
from .errors import SetupError, UsageError

COVERED_FAMILIES = ("generators", "coroutines")
EXCLUDED_IMPLEMENTATIONS = ("thread_handoff",)
EXCLUSION_REASON = {
    "parallelism": "threads and processes: scheduling-dependent counts, children not traced",
    "io": "sockets, epoll, io_uring: kernel work not counted, readiness loops scheduling-dependent",
    "thread_handoff": "an OS-thread handoff: waits depend on the scheduler, valgrind serialises threads",
    "python": "the CPython track: instructions of the interpreter, and no measured-region markers",
}
TIMEOUT = 300  # seconds per benchmark under callgrind (~50x slower than native)
DUMP_FUNCTION = "yb::instrumentation::measured_region_end(*"  # callgrind matches the demangled signature
# Counters kept from the callgrind run: deterministic ones. Everything time- or scheduler-derived is dropped.
KEPT_COUNTERS = ("heap_allocs", "heap_peak_bytes", "heap_total_bytes", "bytes_per_unit")
GB_FIELDS = (
    "name",
    "family_index",
    "per_family_instance_index",
    "run_name",
    "run_type",
    "repetitions",
    "repetition_index",
    "threads",
    "iterations",
    "label",
    "error_occurred",
    "error_message",
)


def covered(name: str, executable_family: str) -> str:
    """'' when `name`, run by bin/yb_<executable_family>, is measured in instruction mode, else why not.
    (The python track runs names of the C++ families, so the executable decides, not the name.)"""
    parts = name.split("/")
    if executable_family not in COVERED_FAMILIES:
        return EXCLUSION_REASON.get(
            executable_family, f"family '{executable_family}' is not covered in instruction mode"
        )
    if parts[0] not in COVERED_FAMILIES:
        return EXCLUSION_REASON.get(parts[0], f"family '{parts[0]}' is not covered in instruction mode")
    if len(parts) > 2 and parts[2] in EXCLUDED_IMPLEMENTATIONS:
        return EXCLUSION_REASON[parts[2]]
    return ""


def plan(chosen: dict, regex: str) -> tuple:
    """({family: names covered in instruction mode}, {reason: names left out}) of the benchmarks `regex` selects."""
    planned, excluded = {}, {}
    for family, executable in chosen.items():
        for name in families.benchmark_names(executable, regex):
            reason = covered(name, family)
            if reason:
                excluded.setdefault(reason, []).append(name)
            else:
                planned.setdefault(family, []).append(name)
    return planned, excluded


def measure_families(
    chosen: dict, planned: dict, repetitions: int, run_dir: pathlib.Path, shown, environment: dict = None
) -> tuple:
    """({family: Google Benchmark document}, failures) of every planned benchmark under callgrind; `environment`
    adds variables for the benchmarks (an A/B side's failpoints)."""
    outputs, failures = {}, []
    for family, selected in planned.items():
        output = {"context": {}, "benchmarks": []}
        for name in selected:
            entries, context, status = measure_one(chosen[family], name, repetitions, run_dir, environment)
            output["benchmarks"].extend(entries)
            output["context"] = output["context"] or native_context(chosen[family], name) or context
            shown.finished(name, status)
            if status != progress.OK and not status.startswith(progress.SKIPPED) and not entries:
                failures.append({"family": family, "benchmark": name, "reason": status})
        outputs[family] = output
    return outputs, failures


def document(outputs: dict, metadata: dict) -> dict:
    """The results document of an instruction-mode run."""
    merged = ybresults.merge(outputs, {**metadata, "measure": "instructions", "min_time": 1e-9})
    merged["context"]["yb_measure"] = "instructions"
    merged["context"]["instructions"] = (
        "callgrind Ir per operation: user-space instructions in the timed loop only, one operation per "
        "repetition, LD_BIND_NOW=1; the kernel's work is not counted. real_time and cpu_time hold it, time_unit 'Ir'"
    )
    return merged


def execute(opts) -> int:
    """`yieldbench run --measure instructions` (run.Options): the same results layout as a time run."""
    repetitions = opts.repetitions_or_default
    build.bootstrap(profiling=True)  # valgrind
    build.build("release")
    chosen = families.choose(families.executables("release"), list(opts.family))
    planned, excluded = plan(chosen, opts.filter)
    total = sum(len(selected) for selected in planned.values())
    for reason, left_out in excluded.items():
        build.say(f"not measured in instruction mode: {len(left_out)} benchmark(s): {reason}")
    if total == 0:
        raise UsageError(
            f"no benchmark matching --filter '{opts.filter}' in {', '.join(chosen) or 'any family'} is "
            f"covered in instruction mode (covered: {', '.join(COVERED_FAMILIES)}, "
            f"without {', '.join(EXCLUDED_IMPLEMENTATIONS)})"
        )

    results_root = opts.out.resolve()
    runfolder.check_results_root(results_root)
    run_id, run_dir = runfolder.new_run_dir(results_root, f"{opts.profile}-instructions")
    build.say(
        f"counting instructions of {total} benchmarks under callgrind ({repetitions} repetition(s) of one "
        f"operation each) into {paths.shown(run_dir)}/"
    )
    shown = Progress(total)
    outputs, failures = measure_families(chosen, planned, repetitions, run_dir, shown)
    metadata = {
        "run_id": run_id,
        "profile": opts.profile,
        "repetitions": repetitions,
        "families": list(outputs),
        "partial": bool(failures),
        "failures": failures,
        "command": runfolder.command_line(),
        "not_measured": excluded,
    }
    merged = document(outputs, metadata)
    ybresults.write_csv(run_dir / "results.csv", merged)
    written = runfolder.publish(results_root, run_dir, merged)
    from . import history_cmd

    history_cmd.record(written, opts.history, results_root)
    print()
    print(render(ybresults.model.from_document(merged, written)))
    build.say(
        f"wrote {paths.shown(written)} ({len(merged['benchmarks'])} entries, {shown.elapsed():.1f} s)"
        + (f"; {shown.errors} benchmark(s) failed" if shown.errors else "")
    )
    return 1 if shown.errors else 0


def measure_one(executable: pathlib.Path, name: str, repetitions: int, run_dir: pathlib.Path, environment=None):
    """(result entries, GB context, status) of one benchmark under callgrind."""
    with tempfile.TemporaryDirectory(prefix="yb-callgrind-", dir=run_dir) as scratch:
        scratch = pathlib.Path(scratch)
        gb_json, profile = scratch / "gb.json", scratch / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--dump-after={DUMP_FUNCTION}",
            "--dump-instr=no",
            "--dump-line=no",
            f"--callgrind-out-file={profile}",
            "--",
            str(executable),
            f"--benchmark_filter={names.anchored(name)}",
            "--benchmark_min_time=1e-9",
            f"--benchmark_repetitions={repetitions}",
            "--benchmark_enable_random_interleaving=false",
            "--benchmark_report_aggregates_only=false",
            "--yb_latency_seconds=0",
            f"--benchmark_out={gb_json}",
            "--benchmark_out_format=json",
        ]
        try:
            done = subprocess.run(
                command,
                cwd=paths.REPO_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                timeout=TIMEOUT,
                env={**os.environ, "LD_BIND_NOW": "1", **(environment or {})},
            )
        except FileNotFoundError:
            raise SetupError("valgrind is not installed (scripts/bootstrap --profiling installs it)") from None
        except subprocess.TimeoutExpired:
            return [], {}, f"callgrind ran past {TIMEOUT} s"
        try:
            output = ybresults.read_output(gb_json)
        except ybresults.ResultsError:
            tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
            return [], {}, f"no results under callgrind (exit {done.returncode}): {tail[0]}"
        counts = dump_counts(scratch)
    return to_entries(output.get("benchmarks", []), counts), output.get("context", {}), _status(output, counts)


def native_context(executable: pathlib.Path, name: str) -> dict:
    """The run context of one short run outside valgrind: under valgrind the CPUID-based hypervisor
    detection and the clock-read cost are valgrind's, and the baseline's machine class depends on them."""
    try:
        done = subprocess.run(
            [
                str(executable),
                f"--benchmark_filter={names.anchored(name)}",
                "--benchmark_min_time=1e-9",
                "--benchmark_repetitions=1",
                "--yb_latency_seconds=0",
                "--benchmark_format=json",
            ],
            cwd=paths.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return ybresults.document.parse_output(done.stdout, executable.name).get("context", {})
    except (OSError, ybresults.ResultsError, subprocess.TimeoutExpired):
        return {}


def dump_counts(folder: pathlib.Path) -> list:
    """Instructions of each timed loop, in order: the `totals:` of every --dump-after part that counted any."""
    parts = []
    for path in folder.glob("callgrind.out.*"):
        suffix = path.name.rsplit(".", 1)[-1]
        if suffix.isdigit():
            parts.append((int(suffix), path))
    counts = []
    for _, path in sorted(parts):
        with open(path, encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("totals:"):
                    value = int(line.split()[1])
                    if value > 0:  # skipped benchmarks leave empty parts
                        counts.append(value)
                    break
    return counts


def to_entries(benchmarks: list, counts: list) -> list:
    """GB's entries with real_time/cpu_time replaced by instructions per operation; aggregates dropped
    (compare and reports recompute them); an entry without its own timed-loop count becomes an error."""
    iterations = [entry for entry in benchmarks if entry.get("run_type", "iteration") == "iteration"]
    measured = [entry for entry in iterations if not entry.get("error_occurred")]
    out = []
    mismatch = len(measured) != len(counts)
    counts = iter(counts)
    for entry in iterations:
        kept = {key: entry[key] for key in GB_FIELDS if key in entry}
        kept.update({key: entry[key] for key in KEPT_COUNTERS if key in entry})
        kept.pop("label", None)  # the label speaks of latency, which this mode does not measure
        if not entry.get("error_occurred"):
            if mismatch:
                kept.update(
                    error_occurred=True,
                    error_message=f"{len(measured)} repetitions but a different number "
                    "of measured regions under callgrind",
                )
            else:
                per_operation = next(counts) / max(1, int(entry.get("iterations", 1)))
                kept.update(real_time=per_operation, cpu_time=per_operation, time_unit="Ir", instructions=per_operation)
        out.append(kept)
    return out


def _status(output: dict, counts: list) -> str:
    for entry in output.get("benchmarks", []):
        if entry.get("error_occurred"):
            return str(entry.get("error_message", "error"))
    return "ok" if counts else "no measured region (the benchmark does not use yb::measure?)"


def render(results) -> str:
    """name, instructions per operation (median), spread over repetitions."""
    rows = [(name, bench.samples("instructions")) for name, bench in results.benchmarks.items()]
    rows = [(name, values) for name, values in rows if values]
    if not rows:
        return "no instruction counts"
    width = max(len(name) for name, _ in rows)
    lines = [f"{'benchmark':<{width}}  {'Ir/op':>14}  spread"]
    for name, values in rows:
        middle = sorted(values)[len(values) // 2]
        spread = (max(values) - min(values)) / middle if middle else 0.0
        lines.append(f"{name:<{width}}  {middle:>14,.0f}  {spread:.2%}")
    return "\n".join(lines)
