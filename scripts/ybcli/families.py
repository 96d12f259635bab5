"""The family executables (bin/yb_<family>) and what they say about themselves."""
import pathlib
import re
import subprocess
from dataclasses import dataclass, field

from ybresults import names

from . import paths
from .errors import SetupError, UsageError

PREFIX = "yb_"


@dataclass
class Description:
    text: str = ""
    workloads: dict = field(default_factory=dict)  # name -> text
    implementations: dict = field(default_factory=dict)  # name -> text
    not_implemented: dict = field(default_factory=dict)  # implementation -> [workloads it does not implement]
    full_profile_only: set = field(default_factory=set)  # benchmark names the shorter profiles leave out


def executables(preset: str = "release") -> dict:
    """Family name -> executable, for every family built in the preset."""
    return executables_in(paths.bin_dir(preset))


def executables_in(bin_dir: pathlib.Path) -> dict:
    """Family name -> executable, for every family executable in `bin_dir`."""
    found = {}
    for path in sorted(bin_dir.glob(PREFIX + "*")):
        if path.is_file() and path.stat().st_mode & 0o111:
            found[path.name[len(PREFIX) :]] = path
    return found


def source_families() -> list:
    """The families the checkout defines (benchmarks/<family>/ with a CMakeLists.txt): known before any build."""
    return sorted(path.parent.name for path in (paths.REPO_ROOT / "benchmarks").glob("*/CMakeLists.txt"))


def check_known(wanted: list) -> None:
    """UsageError for a family name the checkout does not define, so a typo fails before minutes of building."""
    known = source_families()
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UsageError(f"unknown family '{unknown[0]}' (known: {', '.join(known)})")


def check_filter(regex: str) -> None:
    """UsageError for a --filter Python cannot compile (Google Benchmark's POSIX regex refuses those too)."""
    try:
        re.compile(regex)
    except re.error as error:
        raise UsageError(f"--filter '{regex}' is not a regular expression: {error}") from None


def choose(available: dict, wanted: list) -> dict:
    """The families named in `wanted` (all when empty); an unknown name is a UsageError."""
    if not wanted:
        return available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise UsageError(f"unknown family '{unknown[0]}' (known: {', '.join(available) or 'none built'})")
    return {name: available[name] for name in wanted}


def describe(executable: pathlib.Path) -> Description:
    out = subprocess.run([str(executable), "--yb_list"], capture_output=True, text=True, check=True).stdout
    description = Description()
    for line in out.splitlines():
        kind, path, text = (line.split("\t", 2) + [""])[:3]
        if kind == "not_implemented":  # family/workload/implementation, no text
            _, workload, implementation = path.split("/", 2)
            description.not_implemented.setdefault(implementation, []).append(workload)
        elif kind == "full_profile_only":
            description.full_profile_only.add(path)
        elif kind == "family":
            description.text = text
        elif kind == "workload":
            description.workloads[path.split("/", 1)[1]] = text
        elif kind == "implementation":
            description.implementations[path.split("/", 1)[1]] = text
    return description


def benchmark_names(executable: pathlib.Path, regex: str) -> list:
    """Names (as results show them) of the benchmarks `regex` selects. The regex searches the names as shown,
    not Google Benchmark's (which end in a hidden /real_time), so `...n:1000$` means what it says; the
    executables are then given the exact names (names.anchored)."""
    check_filter(regex)
    done = subprocess.run([str(executable), "--benchmark_list_tests"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"{executable.name} --benchmark_list_tests failed: {done.stderr.strip().splitlines()[-1:]}")
    selects = re.compile(regex).search
    # Only the yieldbench name grammar counts: Google Benchmark prints warnings on the same stream.
    listed = [names.plain_name(line) for line in done.stdout.splitlines() if line.count("/") >= 2 and " " not in line]
    return [name for name in listed if selects(name)]
