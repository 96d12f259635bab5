"""Thresholds of the gate: the smallest change that counts, per measure mode and benchmark-name prefix,
from --threshold or ci/thresholds (`MEASURE PATTERN THRESHOLD` lines; the most specific line wins)."""
import math
import pathlib
from dataclasses import dataclass

from .errors import GateError

DEFAULT_THRESHOLDS = {"time": 0.05, "instructions": 0.005}
THRESHOLDS_FILE = pathlib.Path(__file__).resolve().parents[1] / "ci" / "thresholds"


@dataclass(frozen=True)
class Rule:
    measure: str  # 'time', 'instructions' or '*'
    pattern: str  # '*', a family ('io') or a name prefix ('io/echo_tcp/epoll')
    threshold: float
    line: int


def load_thresholds(path=None) -> list:
    """Rules from ci/thresholds: `MEASURE PATTERN THRESHOLD` per line (THRESHOLD as 5% or 0.05), # comments."""
    path = pathlib.Path(path) if path else THRESHOLDS_FILE
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise GateError(f"{path}: is a folder, not a thresholds file") from None
    except OSError as error:
        raise GateError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise GateError(f"{path}: not a thresholds file (not UTF-8 text)") from None
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 3 or fields[0] not in ("time", "instructions", "*"):
            raise GateError(f"{path}:{number}: expected 'time|instructions|* PATTERN THRESHOLD', got '{line}'")
        try:
            threshold = parse_fraction(fields[2])
        except ValueError as error:
            raise GateError(f"{path}:{number}: {error}") from None
        rules.append(Rule(fields[0], fields[1], threshold, number))
    return rules


def parse_fraction(text: str) -> float:
    """'5%' -> 0.05, '0.05' -> 0.05; must lie in (0, 10]."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a threshold (write 5% or 0.05)") from None
    if not 0 < value <= 10 or math.isnan(value):
        raise ValueError(f"threshold '{text}' must be above 0 and at most 1000%")
    return value


def threshold_for(name: str, measure: str, rules: list, override=None) -> float:
    if override is not None:
        return override
    best, best_rank = DEFAULT_THRESHOLDS.get(measure, DEFAULT_THRESHOLDS["time"]), (-1, -1)
    for rule in rules:
        if rule.measure not in (measure, "*"):
            continue
        if rule.pattern == "*":
            specificity = 0
        elif name == rule.pattern or name.startswith(rule.pattern.rstrip("/") + "/"):
            specificity = len(rule.pattern)
        else:
            continue
        rank = (specificity, int(rule.measure != "*"))
        if rank >= best_rank:
            best, best_rank = rule.threshold, rank
    return best
