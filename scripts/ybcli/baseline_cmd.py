"""`yieldbench baseline save|show`: the results the CI gate compares against, kept small in ci/baselines/.

A baseline is a results file cut down to what `yieldbench compare` reads: per-repetition real_time,
heap_peak_bytes and context switches of every benchmark, the context keys the gate checks, and where
it came from. It is keyed by measure mode and machine class: ci/baselines/<measure>-<class>.json.

Machine class: YIELDBENCH_MACHINE_CLASS when set (CI sets it, e.g. github-ubuntu-latest), otherwise
`<CPU count>cpu-<hypervisor or metal>` from the results' context, e.g. 2cpu-kvm. Timings only compare
on the same class; instruction counts are far less sensitive to the machine but keep the same key."""
import argparse
import os
import pathlib
import re
import statistics
from dataclasses import dataclass

import ybgate
import ybresults

from . import options, paths
from .errors import UsageError

BASELINES = paths.REPO_ROOT / "ci" / "baselines"
ENV_CLASS = "YIELDBENCH_MACHINE_CLASS"
# What the gate reads, plus what Google Benchmark's compare.py needs to read a time baseline too (run_type,
# cpu_time, time_unit on every entry).
KEPT_FIELDS = (
    "name",
    "run_name",
    "run_type",
    "process_index",
    "real_time",
    "cpu_time",
    "time_unit",
    "heap_peak_bytes",
    "ctx_switches",
    "error_occurred",
    "error_message",
)
KEPT_CONTEXT = (
    "date",
    "git_commit",
    "compiler",
    "cxx_flags",
    "build_preset",
    "cpu_model",
    "num_cpus",
    "cpu_count",
    "hypervisor",
    "kernel",
    "yb_version",
    "yb_measure",
    "instructions",
)


@dataclass(frozen=True)
class SaveOptions:
    results: pathlib.Path = paths.RESULTS / "latest" / "results.json"
    machine_class: str = None  # None: $YIELDBENCH_MACHINE_CLASS, else <cpus>cpu-<hypervisor>
    dir: pathlib.Path = BASELINES
    target: pathlib.Path = None  # None: <dir>/<measure>-<machine class>.json


@dataclass(frozen=True)
class ShowOptions:
    measure: str = None  # None: every stored baseline
    machine_class: str = None
    dir: pathlib.Path = BASELINES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = actions.add_parser(
        "save", help="store a results file as the baseline for its measure mode and machine class"
    )
    save.add_argument(
        "results",
        nargs="?",
        type=pathlib.Path,
        default=paths.RESULTS / "latest" / "results.json",
        metavar="RESULTS.json",
        help="default: results/latest/results.json",
    )
    show = actions.add_parser("show", help="the stored baselines, or one baseline's benchmarks and medians")
    show.add_argument("--measure", choices=("time", "instructions"), help="default: every stored baseline")
    for sub in (save, show):
        sub.add_argument(
            "--machine-class", metavar="NAME", help=f"default: ${ENV_CLASS}, else <cpus>cpu-<hypervisor> of the results"
        )
        sub.add_argument(
            "--dir",
            type=pathlib.Path,
            default=BASELINES,
            metavar="DIR",
            help="baselines folder (default: ci/baselines/)",
        )


def options_from(args: argparse.Namespace):
    if args.action == "save":
        return options.from_namespace(SaveOptions, args, target=None)
    return options.from_namespace(ShowOptions, args)


def execute(opts) -> int:
    return save(opts) if isinstance(opts, SaveOptions) else show(opts)


def machine_class(context: dict, override: str = None) -> str:
    name = (
        override
        or os.environ.get(ENV_CLASS)
        or (
            f"{context.get('num_cpus') or context.get('cpu_count') or 'n'}cpu-"
            f"{_hypervisor(context.get('hypervisor'))}"
        )
    )
    slug = re.sub(r"[^a-z0-9.]+", "-", str(name).lower()).strip("-")
    if not slug:
        raise UsageError(f"machine class '{name}' has no letters or digits")
    return slug


def _hypervisor(signature) -> str:
    text = str(signature or "").lower()
    for known in ("kvm", "vmware", "xen", "microsoft", "tcg"):
        if known in text:
            return "hyperv" if known == "microsoft" else known
    return "vm" if text and text != "none" else "metal"


def path_for(directory: pathlib.Path, measure: str, klass: str) -> pathlib.Path:
    return directory / f"{measure}-{klass}.json"


def trim(document: dict) -> dict:
    """Only what the gate reads: iteration entries' kept fields, a few context keys, the run's metadata."""
    context = {key: document["context"][key] for key in KEPT_CONTEXT if key in document.get("context", {})}
    benchmarks = []
    for entry in document["benchmarks"]:
        if entry.get("run_type", "iteration") != "iteration":
            continue
        kept = {key: entry[key] for key in KEPT_FIELDS if key in entry}
        if "ctx_switches" not in kept and isinstance(entry.get("ctx_voluntary"), (int, float)):
            kept["ctx_switches"] = entry["ctx_voluntary"] + float(entry.get("ctx_involuntary") or 0)
        for key, digits in (("real_time", 6), ("cpu_time", 6), ("heap_peak_bytes", 6), ("ctx_switches", 3)):
            if isinstance(kept.get(key), float):
                kept[key] = float(f"{kept[key]:.{digits}g}")
        if kept.get("run_name") == kept.get("name"):
            kept.pop("run_name")  # the name is the run name
        benchmarks.append(kept)
    meta = document.get("yieldbench") or {}
    return {
        "context": context,
        "benchmarks": benchmarks,
        "yieldbench": {
            "measure": ybresults.model.measure_of(document),
            "baseline": True,
            **{key: meta[key] for key in ("run_id", "profile", "repetitions", "min_time", "command") if key in meta},
        },
    }


def save(opts: SaveOptions) -> int:
    if not opts.results.exists():
        raise UsageError(f"{opts.results}: no such file (run `yieldbench run --profile quick` first)")
    checked = ybresults.load(opts.results)  # the same validation compare applies
    if checked.partial:
        raise UsageError(f"{opts.results}: a partial run (a family failed); not a baseline")
    klass = machine_class(checked.context, opts.machine_class)
    target = opts.target or path_for(opts.dir, checked.measure, klass)
    try:
        ybresults.write(target, trim(checked.document), compact_entries=True)
    except OSError as error:
        if target.parent.exists() and not target.parent.is_dir():
            raise UsageError(f"cannot write the baseline {target}: {target.parent} is a file, not a folder") from None
        blocker = next((parent for parent in target.parents if parent.is_file()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else error.strerror
        raise UsageError(f"cannot write the baseline {target}: {reason}") from None
    errors = sum(1 for bench in checked.benchmarks.values() if bench.failed)
    print(
        f"saved {len(checked.benchmarks)} benchmarks ({checked.measure}, machine class {klass}) to "
        f"{paths.shown(target)} ({target.stat().st_size // 1024 + 1} KiB)"
        + (f"; {errors} of them errored and will be listed as errors" if errors else "")
    )
    print(f"commit it: git add {paths.shown(target)}")
    return 0


def show(opts: ShowOptions) -> int:
    if opts.dir.exists() and not opts.dir.is_dir():
        raise UsageError(f"--dir {opts.dir}: is a file, not a baselines folder")
    stored = sorted(opts.dir.glob("*.json")) if opts.dir.is_dir() else []
    if opts.measure:
        stored = [path for path in stored if path.name.startswith(opts.measure + "-")]
    if opts.machine_class:
        stored = [path for path in stored if path.stem.split("-", 1)[-1] == machine_class({}, opts.machine_class)]
    if not stored:
        print(
            f"no baselines in {paths.shown(opts.dir)}"
            + (" matching the options" if opts.measure or opts.machine_class else "")
            + "; make one with `yieldbench run --profile quick` then `yieldbench baseline save`"
        )
        return 0
    for path in stored:
        loaded = ybresults.load(path)
        meta, context = loaded.meta, loaded.context
        print(
            f"{paths.shown(path)}: {len(loaded.benchmarks)} benchmarks, measure {loaded.measure}, "
            f"run {meta.get('run_id', '?')} ({meta.get('profile', '?')} profile, {meta.get('repetitions', '?')} reps), "
            f"commit {context.get('git_commit', '?')}, {context.get('compiler', '?')}, {context.get('cpu_model', '?')}"
        )
        if opts.measure or opts.machine_class or len(stored) == 1:
            unit = "Ir/op" if loaded.measure == "instructions" else "ns"
            for name, bench in sorted(loaded.benchmarks.items()):
                side = ybgate.samples.of(bench, "instructions" if loaded.measure == "instructions" else "time_ns")
                times = side.values
                value = (
                    f"{statistics.median(times):.6g} {unit}  cv {side.cv:.1%}  x{len(times)}"
                    if times
                    else f"error: {bench.error}"
                )
                print(f"  {name}  {value}")
    return 0
