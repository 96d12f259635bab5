"""The benchmark-name grammar: `family/workload/implementation[/key:value...]`.

Every segment is letters, digits, `_`, `-` and `.`; the family, the workload, the implementation and every
parameter key start with a letter. Google Benchmark appends segments of its own to the names it reports
(`/real_time`, `/repeats:3`, `/min_time:0.5`, `/iterations:10`, `/threads:1`, bare `Arg` numbers) and suffixes
to aggregate entries (`_mean`, `_median`, `_stddev`, `_cv`); they are not part of a yieldbench name, and a
parameter key may not be one of Google Benchmark's suffix keys. Nothing else is encoded in a name."""
import re
from dataclasses import dataclass

_SEGMENT = r"[A-Za-z0-9_.-]+"
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_VALUE = re.compile(_SEGMENT)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

GB_SUFFIX_WORDS = ("real_time", "manual_time", "process_time")
GB_SUFFIX_KEYS = ("repeats", "min_time", "min_warmup_time", "iterations", "threads")
AGGREGATE_SUFFIXES = ("_mean", "_median", "_stddev", "_cv")
# What Google Benchmark may append to a registered name, as a POSIX extended regex (its filter's dialect).
GB_SUFFIX = (
    r"/(real_time|manual_time|process_time|min_time:[0-9.]+|min_warmup_time:[0-9.]+|repeats:[0-9]+|"
    r"iterations:[0-9]+|threads:[0-9]+)"
)


@dataclass(frozen=True)
class Name:
    family: str
    workload: str
    implementation: str
    params: tuple = ()  # ((key, value), ...) in name order; values as the name spells them

    def __str__(self) -> str:
        return format_name(self.family, self.workload, self.implementation, self.params)

    @property
    def param(self) -> dict:
        return dict(self.params)


def format_name(family: str, workload: str, implementation: str, params=()) -> str:
    """The name of a benchmark; ValueError for a segment the grammar does not allow."""
    for part in (family, workload, implementation):
        if not isinstance(part, str) or not _IDENT.fullmatch(part):
            raise ValueError(f"'{part}' is not a name segment (a letter, then letters, digits, _ - .)")
    text = f"{family}/{workload}/{implementation}"
    for key, value in params.items() if isinstance(params, dict) else params:
        value = str(value)
        if not _IDENT.fullmatch(key) or key in GB_SUFFIX_KEYS or not _VALUE.fullmatch(value):
            raise ValueError(
                f"'{key}:{value}' is not a parameter (key a letter then letters, digits, _ - .; "
                f"not one of Google Benchmark's {', '.join(GB_SUFFIX_KEYS)})"
            )
        text += f"/{key}:{value}"
    return text


def parse_name(name) -> "Name | None":
    """A Name, or None for anything that is not a yieldbench name. Google Benchmark's own trailing
    segments are dropped."""
    if not isinstance(name, str):
        return None
    parts = name.split("/")
    while len(parts) > 3 and _is_gb_suffix(parts[-1]):
        parts.pop()
    if len(parts) < 3 or not all(_IDENT.fullmatch(part) for part in parts[:3]):
        return None
    params = []
    for part in parts[3:]:
        key, colon, value = part.partition(":")
        if not colon or not _IDENT.fullmatch(key) or not _VALUE.fullmatch(value) or key in GB_SUFFIX_KEYS:
            return None
        params.append((key, value))
    return Name(parts[0], parts[1], parts[2], tuple(params))


def _is_gb_suffix(part: str) -> bool:
    key, colon, value = part.partition(":")
    if colon:
        return key in GB_SUFFIX_KEYS and _NUMBER.fullmatch(value) is not None
    return part in GB_SUFFIX_WORDS or _NUMBER.fullmatch(part) is not None


def is_name(name) -> bool:
    return parse_name(name) is not None


def plain_name(listed: str) -> str:
    """A name as Google Benchmark lists or reports it, without the segments it appends itself."""
    return re.sub(f"({GB_SUFFIX})+$", "", listed)


def run_name(entry: dict):
    """The name an entry's repetitions and aggregates share: `run_name`, else `name` without an aggregate
    suffix; None when the entry has no string name."""
    name = entry.get("run_name")
    if isinstance(name, str) and name:
        return name
    name = entry.get("name")
    if not isinstance(name, str):
        return None
    if entry.get("run_type") == "aggregate":
        for suffix in AGGREGATE_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def anchored(*names: str) -> str:
    """A Google Benchmark filter (POSIX extended regex) that matches exactly `names`, whatever GB appends."""
    quoted = [re.sub(r"([.^$*+?()\[\]{}|\\])", r"[\1]", name) for name in names]
    body = quoted[0] if len(quoted) == 1 else "(" + "|".join(quoted) + ")"
    return f"^{body}({GB_SUFFIX})*$"
