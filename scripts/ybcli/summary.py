"""The terminal summary of a run: per workload, implementations sorted by time; time per item leads, the item
named ("time/round trip"), where the workload declares items; time per operation stays beside it."""
import math

from ybresults import items, noise, units


def columns(noun: str) -> tuple:
    return ("implementation", f"time/{noun}", "time/op", "heap peak", "rss peak", "bytes/unit", f"ctx/{noun}", "noise")


def tables(results) -> list:
    """[(title, columns, rows, notes)]: one table per family/workload and the parameters every row shares;
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
            ran = [bench for _, bench in rows if not bench.failed]
            per_item = any(bench.ns_per_item is not None for bench in ran)
            noun = ran[0].item if per_item else "op"
            result.append((title, columns(noun), [_row(label, bench, per_item) for label, bench in rows], notes))
    return result


def _sort_key(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _row(label: str, bench, per_item: bool) -> tuple:
    if bench.failed:
        return (label, "SKIPPED" if bench.skipped else "FAILED", "(below)", "", "", "", "", "")
    ctx = [bench.median(key) for key in ("ctx_voluntary", "ctx_involuntary")]
    time_ns = bench.median("time_ns")
    count = items.items_per_operation(time_ns, bench.median("items_per_second")) if per_item else 1
    ctx_text = "-" if None in ctx or not count else units.fmt_small_count(sum(ctx) / count)
    return (
        label,
        units.fmt_time(bench.ns_per_item if per_item else time_ns),
        units.fmt_time(time_ns),
        units.fmt_bytes(bench.median("heap_peak_bytes")),
        units.fmt_bytes(bench.median("rss_peak_bytes")),
        units.fmt_bytes(bench.median("bytes_per_unit")),
        ctx_text,
        noise.text(bench.noise),
    )


def render(results) -> str:
    lines = []
    for title, header, rows, notes in tables(results):
        widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
        lines.append(title)
        for row in [header, *rows]:
            lines.append(
                "  "
                + "  ".join(row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(header)))
            )
        lines.extend(f"  - {note}" for note in notes)
        lines.append("")
    return "\n".join(lines)
