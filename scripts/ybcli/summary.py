"""The terminal summary of a results document: per workload, implementations sorted by time."""
import math

COLUMNS = ("implementation", "time/op", "items/s", "heap peak", "rss peak", "bytes/unit", "ctx/op", "noise")
SKIPPED = "skipped: "


def parse_name(run_name: str):
    family, workload, implementation, *params = run_name.split("/")
    return family, workload, implementation, dict(param.split(":", 1) for param in params)


def representative_entries(benchmarks: list) -> dict:
    """run_name -> the entry to show: the median aggregate when there are repetitions, else the first run."""
    chosen = {}
    for entry in benchmarks:
        name = entry.get("run_name", entry["name"])
        is_median = entry.get("run_type") == "aggregate" and entry.get("aggregate_name") == "median"
        if is_median or (entry.get("run_type", "iteration") == "iteration" and name not in chosen):
            chosen[name] = entry
    return chosen


def _scaled(value: float, units: tuple, suffix: str, smallest: str) -> str:
    """value in the largest of `units` ((name, scale), largest first) it reaches, 3 significant digits."""
    for unit, scale in units:
        if value >= scale:
            return f"{value / scale:.3g}{unit}{suffix}"
    return smallest


def format_time(ns) -> str:
    return _scaled(ns, ((" s", 1e9), (" ms", 1e6), (" us", 1e3)), "", f"{ns:.3g} ns")


def format_bytes(value) -> str:
    if value is None:
        return "-"
    return _scaled(value, ((" GiB", 2**30), (" MiB", 2**20), (" KiB", 2**10)), "", f"{value:.0f} B")


def format_rate(value) -> str:
    if value is None:
        return "-"
    return _scaled(value, (("G", 1e9), ("M", 1e6), ("k", 1e3)), "/s", f"{value:.3g}/s")


def to_ns(entry: dict) -> float:
    factor = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    return float(entry["real_time"]) * factor


def noise_text(verdict) -> str:
    if not verdict or verdict.get("cv") is None:
        return "1 rep"
    mark = "UNSTABLE" if verdict["unstable"] else "ok"
    return f"cv {100 * verdict['cv']:.1f}% {mark}"


def tables(document: dict) -> list:
    """[(title, rows, notes)]: one table per family/workload and the parameters every row shares;
    notes hold the messages of benchmarks that were skipped or failed, kept out of the columns."""
    noise = document.get("yieldbench", {}).get("noise", {})
    groups = {}
    for name, entry in representative_entries(document.get("benchmarks", [])).items():
        family, workload, implementation, params = parse_name(name)
        groups.setdefault((family, workload), []).append((implementation, params, entry, noise.get(name)))

    result = []
    for (family, workload), members in sorted(groups.items()):
        shared_keys = set.intersection(*(set(params) for _, params, _, _ in members))
        by_shared = {}
        for implementation, params, entry, verdict in members:
            shared = tuple((key, params[key]) for key in params if key in shared_keys)
            extra = " ".join(f"{key}:{value}" for key, value in params.items() if key not in shared_keys)
            label = f"{implementation} {extra}".strip()
            by_shared.setdefault(shared, []).append((label, entry, verdict))
        for shared, rows in sorted(by_shared.items(), key=lambda item: [_sort_key(v) for _, v in item[0]]):
            title = f"{family}/{workload}" + "".join(f"  {key}:{value}" for key, value in shared)
            rows.sort(key=lambda row: math.inf if row[1].get("error_occurred") else to_ns(row[1]))
            notes = [
                f"{label}: {entry.get('error_message', '')}" for label, entry, _ in rows if entry.get("error_occurred")
            ]
            result.append((title, [_row(label, entry, verdict) for label, entry, verdict in rows], notes))
    return result


def _sort_key(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _row(label: str, entry: dict, verdict) -> tuple:
    if entry.get("error_occurred"):
        verdict = "SKIPPED" if entry.get("error_message", "").startswith(SKIPPED) else "ERROR"
        return (label, verdict, "(below)", "", "", "", "", "")
    ctx = [entry.get(key) for key in ("ctx_voluntary", "ctx_involuntary")]
    ctx_text = "-" if None in ctx else f"{sum(ctx):.3g}"
    return (
        label,
        format_time(to_ns(entry)),
        format_rate(entry.get("items_per_second")),
        format_bytes(entry.get("heap_peak_bytes")),
        format_bytes(entry.get("rss_peak_bytes")),
        format_bytes(entry.get("bytes_per_unit")),
        ctx_text,
        noise_text(verdict),
    )


def render(document: dict) -> str:
    lines = []
    for title, rows, notes in tables(document):
        widths = [max(len(COLUMNS[i]), *(len(row[i]) for row in rows)) for i in range(len(COLUMNS))]
        lines.append(title)
        for row in [COLUMNS, *rows]:
            lines.append(
                "  "
                + "  ".join(row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(COLUMNS)))
            )
        lines.extend(f"  - {note}" for note in notes)
        lines.append("")
    return "\n".join(lines)
