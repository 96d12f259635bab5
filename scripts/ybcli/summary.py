"""The terminal summary of a run: per workload, implementations sorted by time."""
import math

from ybresults import noise, units

COLUMNS = ("implementation", "time/op", "items/s", "heap peak", "rss peak", "bytes/unit", "ctx/op", "noise")


def tables(results) -> list:
    """[(title, rows, notes)]: one table per family/workload and the parameters every row shares;
    notes hold the messages of benchmarks that were skipped or failed, kept out of the columns."""
    groups = {}
    for bench in results.benchmarks.values():
        name = bench.name
        groups.setdefault((name.family, name.workload), []).append(bench)

    result = []
    for (family, workload), members in sorted(groups.items()):
        shared_keys = set.intersection(*(set(bench.name.param) for bench in members))
        by_shared = {}
        for bench in members:
            params = bench.name.params
            shared = tuple((key, value) for key, value in params if key in shared_keys)
            extra = " ".join(f"{key}:{value}" for key, value in params if key not in shared_keys)
            label = f"{bench.name.implementation} {extra}".strip()
            by_shared.setdefault(shared, []).append((label, bench))
        for shared, rows in sorted(by_shared.items(), key=lambda item: [_sort_key(v) for _, v in item[0]]):
            title = f"{family}/{workload}" + "".join(f"  {key}:{value}" for key, value in shared)
            rows.sort(key=lambda row: math.inf if row[1].failed else (row[1].median("time_ns") or math.inf))
            notes = [f"{label}: {bench.error}" for label, bench in rows if bench.failed]
            result.append((title, [_row(label, bench) for label, bench in rows], notes))
    return result


def _sort_key(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _row(label: str, bench) -> tuple:
    if bench.failed:
        return (label, "SKIPPED" if bench.skipped else "ERROR", "(below)", "", "", "", "", "")
    ctx = [bench.median(key) for key in ("ctx_voluntary", "ctx_involuntary")]
    ctx_text = "-" if None in ctx else f"{sum(ctx):.3g}"
    return (
        label,
        units.fmt_time(bench.median("time_ns")),
        units.fmt_rate(bench.median("items_per_second")),
        units.fmt_bytes(bench.median("heap_peak_bytes")),
        units.fmt_bytes(bench.median("rss_peak_bytes")),
        units.fmt_bytes(bench.median("bytes_per_unit")),
        ctx_text,
        noise.text(bench.noise),
    )


def render(results) -> str:
    lines = []
    for title, rows, notes in tables(results):
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
