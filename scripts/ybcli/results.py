"""Merging the family executables' Google Benchmark JSON into one results file, its noise
verdicts, and writing it so that a crash never leaves half a file."""
import json
import os
import pathlib
import statistics
import tempfile

from .errors import UsageError

# A benchmark whose repetitions vary more than this (coefficient of variation of real time) is
# marked unstable: its differences from other runs below this size are not evidence.
UNSTABLE_CV = 0.05


def load_family_output(path: pathlib.Path) -> dict:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def merge(outputs: dict, metadata: dict) -> dict:
    """One document from {family: GB JSON}: the first context, every benchmark, and a
    `yieldbench` block with the run's metadata and per-benchmark noise."""
    merged = {"context": {}, "benchmarks": [], "yieldbench": dict(metadata)}
    differing = {}
    for family, output in outputs.items():
        context = dict(output.get("context", {}))
        if not merged["context"]:
            merged["context"] = dict(context)
        merged["context"].setdefault("executables", [])
        merged["context"]["executables"].append(context.get("executable", family))
        # What one family says differently (the Python track's interpreter and unmeasured metrics,
        # say) is kept per family rather than lost under the first family's context.
        own = {
            key: value
            for key, value in context.items()
            if key not in ("executable", "date", "load_avg") and merged["context"].get(key) != value
        }
        if own:
            differing[family] = own
        merged["benchmarks"].extend(output.get("benchmarks", []))
    merged["context"].pop("executable", None)
    merged["yieldbench"]["family_contexts"] = differing
    merged["yieldbench"]["noise"] = noise(merged["benchmarks"])
    return merged


def noise(benchmarks: list) -> dict:
    """run_name -> {repetitions, cv, unstable}; cv and unstable are None with one repetition."""
    times = {}
    for entry in benchmarks:
        if entry.get("run_type", "iteration") == "iteration" and not entry.get("error_occurred"):
            times.setdefault(entry.get("run_name", entry["name"]), []).append(float(entry["real_time"]))
    verdicts = {}
    for name, values in times.items():
        cv = statistics.stdev(values) / statistics.mean(values) if len(values) > 1 and statistics.mean(values) else None
        verdicts[name] = {"repetitions": len(values), "cv": cv, "unstable": None if cv is None else cv > UNSTABLE_CV}
    return verdicts


def check_results_folder(root: pathlib.Path, option: str = "--out") -> None:
    """UsageError unless run folders can be made under `root`: said before building and running, not after."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{option} {root}: is a file, not a results folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=".yb-probe-", dir=root)
    except OSError as error:
        raise UsageError(f"{option} {root}: cannot create a run folder there ({error.strerror})") from None
    os.rmdir(probe)


def write_atomically(path: pathlib.Path, document: dict) -> None:
    """Writes to a temporary file in the same folder, flushes it to disk, then renames it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; results are for sharing
        os.replace(temporary, path)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise


def point_latest(results_root: pathlib.Path, run_dir: pathlib.Path) -> None:
    """Atomically repoints results_root/latest at run_dir (a relative symlink)."""
    link = results_root / "latest"
    temporary = results_root / f".latest.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(run_dir, results_root))
    os.replace(temporary, link)
