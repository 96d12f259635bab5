"""Which code a function is: the implementation's own file, its family's shared code (workloads,
registration), the harness and libraries, or the kernel; told apart by the symbols each object file of
the profile preset defines."""
import shutil
import subprocess
from dataclasses import dataclass

from .. import paths
from .preconditions import PRESET
from .selection import Selection


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
