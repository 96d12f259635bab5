"""Which benchmarks a profile runs: a full name (exactly that one) or a regular expression (every
match, in one family), and the folder name its profile goes to."""
import pathlib
import re
from dataclasses import dataclass

from ybresults import names

from .. import families
from ..errors import UsageError


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
