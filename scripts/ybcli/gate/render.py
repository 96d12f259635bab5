"""The gate's verdicts as a terminal table and as Markdown (CI step summaries, pull-request comments)."""
import math

from ybresults import units

from .verdicts import VERDICTS, Comparison, Row

CTX_SMALL = 0.01  # context switches per operation below which changes are not shown as percentages


def _value(value: float, measure: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if measure == "instructions":
        return f"{value:,.0f} Ir" if value >= 100 else f"{value:.1f} Ir"
    return units.fmt_time(value)


def _pct(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "+inf"
    return f"{value:+.1%}"


def _pair_change(pair: tuple, unit: str = "") -> str:
    old, new = pair
    if old is None or new is None:
        return "-"
    if unit != "B" and max(old, new) < CTX_SMALL:
        return f"<{CTX_SMALL:g}"  # a stray switch per 100 operations: scheduler noise, not a change
    if old == new:
        return "="
    if old == 0:
        return f"0 → {_count(new, unit)}"
    return _pct(new / old - 1)


def _count(value: float, unit: str) -> str:
    return units.fmt_bytes(value) if unit == "B" else f"{value:.3g}"


def _p(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3f}"


def _cvs(row: Row) -> str:
    return "/".join("-" if math.isnan(value) else f"{value:.1%}" for value in (row.base_cv, row.new_cv))


ORDER = {verdict: index for index, verdict in enumerate(VERDICTS)}
HEADER = ("benchmark", "base", "new", "change", "p", "cv base/new", "reps", "heap peak", "ctx sw", "verdict")


def _cells(row: Row, measure: str) -> tuple:
    return (
        row.name,
        _value(row.base_median, measure),
        _value(row.new_median, measure),
        _pct(row.change),
        _p(row.p),
        _cvs(row),
        f"{row.base_reps}/{row.new_reps}",
        _pair_change(row.heap_change, "B"),
        _pair_change(row.ctx_change),
        row.verdict.upper() if row.verdict == "regression" else row.verdict,
    )


def headline(comparison: Comparison) -> str:
    counts = ", ".join(f"{comparison.count(verdict)} {verdict}" for verdict in VERDICTS if comparison.count(verdict))
    result = "FAIL" if comparison.exit_status else "PASS"
    return (
        f"{result}: {len(comparison.rows)} benchmarks compared ({counts or 'none'})"
        + (f"; {len(comparison.new_only)} new" if comparison.new_only else "")
        + (f"; {len(comparison.missing)} missing" if comparison.missing else "")
    )


def render_text(comparison: Comparison) -> str:
    measure = comparison.base.measure
    lines = [f"warning: {warning}" for warning in comparison.warnings]
    lines.append(
        f"base {comparison.base.path}\nnew  {comparison.new.path}\nmeasure: {measure}, alpha {comparison.alpha:g}"
    )
    rows = sorted(comparison.rows, key=lambda row: (ORDER[row.verdict], row.name))
    table = [HEADER] + [_cells(row, measure) for row in rows]
    widths = [max(len(cells[column]) for cells in table) for column in range(len(HEADER))]
    for cells in table:
        lines.append(
            "  ".join(
                cell.ljust(width) if column in (0, 9) else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(cells, widths))
            ).rstrip()
        )
    explained = [row for row in rows if row.verdict in ("regression", "improvement", "noisy", "error")]
    if explained:
        lines.append("")
        lines += [f"  {row.verdict}: {row.name}: {row.reason}" for row in explained]
    if comparison.new_only:
        lines.append("")
        lines.append(f"new (not in base, not judged): {len(comparison.new_only)}")
        lines += [f"  + {name}" for name in comparison.new_only]
    if comparison.missing:
        lines.append("")
        lines.append(f"missing (in base, not in new, not judged): {len(comparison.missing)}")
        lines += [f"  - {name}" for name in comparison.missing]
    lines.append("")
    lines.append(headline(comparison))
    return "\n".join(lines)


def render_markdown(comparison: Comparison) -> str:
    measure = comparison.base.measure
    out = [f"## Regression gate: {headline(comparison)}", ""]
    out += [f"> **Warning:** {warning}" for warning in comparison.warnings]
    if comparison.warnings:
        out.append("")
    out.append(
        f"Base `{comparison.base.path}`, new `{comparison.new.path}`; measure **{measure}**, "
        f"alpha {comparison.alpha:g}; a verdict needs p < alpha and |change| > the benchmark's threshold."
    )
    out.append("")
    out.append("| " + " | ".join(HEADER) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * 8 + ["---"]) + "|")
    for row in sorted(comparison.rows, key=lambda row: (ORDER[row.verdict], row.name)):
        cells = list(_cells(row, measure))
        cells[0] = f"`{cells[0]}`"
        if row.verdict == "regression":
            cells[-1] = "**REGRESSION**"
        out.append("| " + " | ".join(cells) + " |")
    explained = [row for row in comparison.rows if row.verdict in ("regression", "improvement", "noisy", "error")]
    if explained:
        out += ["", "Why:", ""]
        out += [f"- `{row.name}` — {row.verdict}: {row.reason}" for row in explained]
    for title, names in (
        ("New benchmarks (not judged)", comparison.new_only),
        ("Missing benchmarks (not judged)", comparison.missing),
    ):
        if names:
            out += ["", f"{title}:", ""] + [f"- `{name}`" for name in names]
    return "\n".join(out) + "\n"
