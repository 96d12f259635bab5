"""The gate's verdicts for people: a terminal table, the Markdown summary (CI step summaries, the artifact),
and a pull-request comment that fits GitHub's 65,536 characters (findings first, the full table collapsed,
or left to the artifact when it does not fit)."""
import math

from ybresults import units

from .compare import Comparison
from .verdict import Verdict

COMMENT_LIMIT = 60_000
COMMENT_MARKER = "<!-- yieldbench-gate -->"  # the workflow finds its own comment by it, and updates it
CTX_SMALL = 0.01  # context switches per operation below which changes are not shown as percentages
HEADER = ("benchmark", "base", "new", "change", "q", "spread", "samples", "heap peak", "ctx sw", "verdict")
FINDINGS = ("regression", "improvement")


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


def _pair_change(pair, label: str) -> str:
    if pair is None:
        return "-"
    old, new = pair
    if label == "ctx sw" and max(old, new) < CTX_SMALL:
        return f"<{CTX_SMALL:g}"  # a stray switch per 100 operations: scheduler noise, not a change
    if old == new:
        return "="
    if old == 0:
        return f"0 → {units.fmt_bytes(new) if label == 'heap peak' else f'{new:.3g}'}"
    return _pct(new / old - 1)


def _samples(verdict: Verdict) -> str:
    def one(side) -> str:
        processes = len(set(side.processes)) if side.processes else 1
        return f"{len(side.values)}" + (f"({processes}p)" if processes > 1 else "")

    return f"{one(verdict.base)}/{one(verdict.new)}"


def cells(verdict: Verdict, measure: str) -> tuple:
    return (
        verdict.name,
        _value(verdict.base.median if verdict.base.values else math.nan, measure),
        _value(verdict.new.median if verdict.new.values else math.nan, measure),
        _pct(verdict.change) + (f" ({_pct(verdict.relative)} vs shift)" if verdict.relative != verdict.change else ""),
        "-" if math.isnan(verdict.q) else f"{verdict.q:.2g}",
        "-" if math.isnan(verdict.spread) else f"{verdict.spread:.1%}",
        _samples(verdict),
        _pair_change(verdict.shown.get("heap peak"), "heap peak"),
        _pair_change(verdict.shown.get("ctx sw"), "ctx sw"),
        verdict.kind.upper() if verdict.kind == "regression" else verdict.kind,
    )


def headline(comparison: Comparison) -> str:
    kinds = FINDINGS + ("noisy", "error", "unchanged")
    counts = ", ".join(f"{comparison.count(kind)} {kind}" for kind in kinds if comparison.count(kind)) or "none"
    result = "FAIL" if comparison.exit_status else "PASS"
    return (
        f"{result}: {len(comparison.verdicts)} benchmarks compared ({counts})"
        + (f"; {len(comparison.new_only)} new" if comparison.new_only else "")
        + (f"; {len(comparison.missing)} missing" if comparison.missing else "")
    )


def findings(comparison: Comparison) -> list:
    """The lines that say what the gate found, before any table."""
    lines = []
    if comparison.shift:
        how = "fails the gate" if comparison.shift_fails else "not failed: compare on one machine with --base"
        lines.append(f"whole run: {comparison.shift.describe()} ({how})")
    for kind in FINDINGS:
        for verdict in comparison.of_kind(kind):
            lines.append(f"{kind}: {verdict.name} {_pct(verdict.relative)}: {verdict.reason}")
    if comparison.confirmation:
        lines.append(comparison.confirmation)
    return lines


def _explained(comparison: Comparison) -> list:
    return [verdict for verdict in comparison.verdicts if verdict.kind in ("noisy", "error")]


def render_text(comparison: Comparison) -> str:
    measure = comparison.measure
    lines = [f"warning: {warning}" for warning in comparison.warnings]
    lines.append(
        f"base {comparison.base.path}\nnew  {comparison.new.path}\n"
        f"measure: {measure}, mode: {comparison.mode}, alpha {comparison.alpha:g} (Benjamini-Hochberg q)"
    )
    table = [HEADER] + [cells(verdict, measure) for verdict in comparison.verdicts]
    widths = [max(len(row[column]) for row in table) for column in range(len(HEADER))]
    for row in table:
        lines.append(
            "  ".join(
                cell.ljust(width) if column in (0, 9) else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(row, widths))
            ).rstrip()
        )
    explained = _explained(comparison)
    if explained:
        lines.append("")
        lines += [f"  {verdict.kind}: {verdict.name}: {verdict.reason}" for verdict in explained]
    for title, sign, names in (
        ("new (not in base, not judged)", "+", comparison.new_only),
        ("missing (in base, not in new, not judged)", "-", comparison.missing),
    ):
        if names:
            lines += ["", f"{title}: {len(names)}"] + [f"  {sign} {name}" for name in names]
    found = findings(comparison)
    if found:
        lines += [""] + found
    lines += ["", headline(comparison)]
    return "\n".join(lines)


def _markdown_table(comparison: Comparison, verdicts: list) -> list:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] + ["---:"] * 8 + ["---"]) + "|"]
    for verdict in verdicts:
        row = list(cells(verdict, comparison.measure))
        row[0] = f"`{row[0]}`"
        if verdict.kind == "regression":
            row[-1] = "**REGRESSION**"
        out.append("| " + " | ".join(row) + " |")
    return out


def _markdown_head(comparison: Comparison) -> list:
    out = [f"## Regression gate: {headline(comparison)}", ""]
    out += [f"> **Warning:** {warning}" for warning in comparison.warnings]
    if comparison.warnings:
        out.append("")
    found = findings(comparison)
    if found:
        out += [f"- {line}" for line in found] + [""]
    out.append(
        f"Base `{comparison.base.path}`, new `{comparison.new.path}`; measure **{comparison.measure}**, mode "
        f"**{comparison.mode}**; a verdict needs |change| above the benchmark's threshold, Benjamini-Hochberg "
        f"q < {comparison.alpha:g} and every process apart (see `ybgate/verdict.py`)."
    )
    return out + [""]


def _markdown_tail(comparison: Comparison) -> list:
    out = []
    explained = _explained(comparison)
    if explained:
        out += ["", "Why:", ""] + [f"- `{verdict.name}` — {verdict.kind}: {verdict.reason}" for verdict in explained]
    for title, names in (
        ("New benchmarks (not judged)", comparison.new_only),
        ("Missing benchmarks (not judged)", comparison.missing),
    ):
        if names:
            out += ["", f"{title}:", ""] + [f"- `{name}`" for name in names]
    return out


def render_markdown(comparison: Comparison) -> str:
    """The whole summary: findings, then every benchmark's row."""
    out = _markdown_head(comparison) + _markdown_table(comparison, comparison.verdicts) + _markdown_tail(comparison)
    return "\n".join(out) + "\n"


def render_comment(comparison: Comparison, limit: int = COMMENT_LIMIT, artifact: str = "the gate's summary.md") -> str:
    """A pull-request comment of at most `limit` characters: findings and their rows first, then the counts,
    then the full table collapsed when it fits; otherwise a pointer to the artifact."""
    head = [COMMENT_MARKER] + _markdown_head(comparison)
    found = [verdict for verdict in comparison.verdicts if verdict.kind in FINDINGS]
    body = head + (_markdown_table(comparison, found) if found else ["No regression or improvement."])
    full = ["", "<details><summary>Every benchmark</summary>", ""]
    full += _markdown_table(comparison, comparison.verdicts) + _markdown_tail(comparison) + ["", "</details>"]
    text = "\n".join(body + full) + "\n"
    if len(text) <= limit:
        return text
    pointer = ["", f"The full table ({len(comparison.verdicts)} rows) is in {artifact}."]
    text = "\n".join(body + pointer) + "\n"
    if len(text) <= limit:
        return text
    cut = "\n…(cut to fit a comment; the full table is in " + artifact + ")\n"
    return text[: limit - len(cut)] + cut
