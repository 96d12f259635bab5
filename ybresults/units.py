"""Unit conversion and human-readable formatting of times, byte counts, counts, rates and parameter values:
one wording of every number in the terminal summary, the reports and the gate."""
import math

from . import counters

TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

_TIME_STEPS = ((1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns"))
_BYTE_STEPS = ((2.0**40, "TiB"), (2.0**30, "GiB"), (2.0**20, "MiB"), (2.0**10, "KiB"), (1.0, "B"))


def to_ns(value: float, unit: str):
    """A Google Benchmark time in `unit` (ns/us/ms/s) as nanoseconds; None for an unknown unit."""
    factor = TIME_UNIT_NS.get(unit)
    return None if factor is None else value * factor


def sig(x: float, digits: int = 3) -> str:
    """`x` with about `digits` significant digits, no trailing zeros, no exponent below 1e15."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def time_scale(ns: float):
    """(divisor, unit) that makes `ns` read naturally: 4.1e6 ns -> (1e6, "ms")."""
    for div, unit in _TIME_STEPS:
        if abs(ns) >= div:
            return div, unit
    return 1.0, "ns"


def bytes_scale(b: float):
    """(divisor, unit) in binary units: 16e6 -> (2**20, "MiB")."""
    for div, unit in _BYTE_STEPS:
        if abs(b) >= div:
            return div, unit
    return 1.0, "B"


def fmt_time(ns) -> str:
    if ns is None:
        return "–"
    div, unit = time_scale(ns)
    return f"{sig(ns / div)} {unit}"


def fmt_bytes(b) -> str:
    if b is None:
        return "–"
    div, unit = bytes_scale(b)
    return f"{sig(b / div)} {unit}"


def fmt_count(x) -> str:
    if x is None:
        return "–"
    if abs(x) >= 1e4 and abs(x) < 1e15 and float(x).is_integer():
        return f"{x:,.0f}"
    return sig(x)


def fmt_small_count(x) -> str:
    """Counts per item, where a thousandth is below anything that matters: "<0.001" rather than "2.97e-07"."""
    if x is None:
        return "–"
    if 0 < x < 0.001:
        return "<0.001"
    return fmt_count(x)


def fmt_rate(per_second) -> str:
    if per_second is None:
        return "–"
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(per_second) >= div:
            return f"{sig(per_second / div)} {unit}/s"
    return f"{sig(per_second)} /s"


def fmt_compact(x: float) -> str:
    """Parameter values on axes: 2000000 -> 2M, 4096 -> 4096, 65536 -> 65.5k."""
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e4, "k")):
        if abs(x) >= div:
            div = 1e3 if unit == "k" else div
            return f"{sig(x / div)}{unit}"
    return sig(x)


def fmt_pct(ratio) -> str:
    if ratio is None:
        return "–"
    if math.isinf(ratio):
        return "+∞%" if ratio > 0 else "−∞%"
    return f"{ratio * 100:+.1f}%"


def fmt_byte_rate(per_second) -> str:
    return "–" if per_second is None else f"{fmt_bytes(per_second)}/s"


def fmt_ratio(x) -> str:
    return "–" if x is None else sig(x)


FORMATTERS = {"time": fmt_time, "bytes": fmt_bytes, "count": fmt_count, "rate": fmt_rate}
BY_UNIT = {
    counters.NS: fmt_time,
    counters.BYTES: fmt_bytes,
    counters.COUNT: fmt_count,
    counters.PER_SECOND: fmt_rate,
    counters.BYTES_PER_SECOND: fmt_byte_rate,
    counters.RATIO: fmt_ratio,
    counters.CPU: fmt_count,
    counters.INSTRUCTIONS: fmt_count,
}


def fmt_value(kind: str, value) -> str:
    """`value` formatted for a formatter family: time, bytes, count or rate."""
    return FORMATTERS[kind](value)


def fmt_counter(name: str, value) -> str:
    """`value` of the counter `name`, in the registry's unit (a count for an unregistered name)."""
    counter = counters.REGISTRY.get(name)
    return BY_UNIT.get(counter.unit if counter else counters.COUNT, fmt_count)(value)


# What a sweep parameter counts, for axis labels; anything else is shown by its name alone.
PARAM_UNITS = {
    "n": "items",
    "items": "items",
    "conns": "connections",
    "connections": "connections",
    "msg": "bytes",
    "size": "bytes",
    "bytes": "bytes",
    "payload": "bytes",
    "workers": "workers",
    "threads": "threads",
    "procs": "processes",
    "processes": "processes",
    "coros": "coroutines",
    "coroutines": "coroutines",
    "alive": "coroutines alive",
    "fibers": "fibers",
    "tasks": "tasks",
    "depth": "levels",
    "stack": "bytes",
}


def param_label(key: str) -> str:
    unit = PARAM_UNITS.get(key)
    return f"{key} ({unit})" if unit else key
