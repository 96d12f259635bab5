"""summary.md: a compact Markdown summary for CI step summaries (no images). It opens with its answers (the
headline tables, the claims checked, the comparison's changes beyond noise), then one table per workload;
the metrics not measured, skips, failures and the run context come last."""
from ybresults import units

from ybresults.progress import SKIPPED

from . import claims, compare, contexts, headline, metrics, omitted, tables
from .availability import missing_metrics, run_reasons


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list, rows: list) -> list:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _run_line(results) -> str:
    c, m = results.context, results.meta
    bits = [
        m.get("run_id"),
        m.get("profile") and f"profile {m.get('profile')}",
        c.get("git_commit") and f"commit `{c.get('git_commit')}`",
        c.get("compiler"),
        c.get("build_preset") and f"preset {c.get('build_preset')}",
        c.get("kernel"),
        c.get("cpu_model"),
        isinstance(c.get("num_cpus"), int) and f"{c.get('num_cpus')} CPUs",
        c.get("date"),
    ]
    return " · ".join(str(b) for b in bits if b)


def _change(change) -> str:
    if change is None:
        return "–"
    text = units.fmt_pct(change.ratio)
    if change.beyond_noise:
        return f"**{'🔺' if change.worse else '🔻'} {text}**"
    return text


def _answers(report) -> list:
    lines = ["### Answers", ""]
    lines.append(
        "Per workload, at its largest case: each implementation's wall time per item (the item named; "
        "time per operation beside it), memory and context switches; the fastest and the leanest marked."
    )
    lines.append("")
    for t in headline.tables(report):
        lines.append(f"**{t.section} / {t.workload}** — {t.time.title}")
        lines.append("")
        rows = [headline.cells(t, case, row) for case in t.cases for row in case.rows]
        lines += _table(headline.headers(t), rows)
    return lines


def build(report, compared: list, report_path: str = "index.html") -> str:
    """Answers first (headline tables, claims, the comparison), then details; run context, the metrics not
    measured, skips and failures last."""
    lines = ["## yieldbench report", ""]
    labels = ", ".join(f"`{results.label}`" for results in report.files)
    lines.append(
        f"{headline.counts_text(report.current)}; "
        f"{sum(b.unstable for b in report.current if not b.failed)} unstable. Run {labels}; charts: `{report_path}`."
    )
    lines.append("")
    contents = ["[Answers](#answers)"]
    if claims.has_python(report):
        contents.append("[Claims checked](#claims-checked)")
    if report.comparing and compared:
        contents.append("[Comparison](#comparison)")
    contents += ["[Details](#details)", "[Not measured](#not-measured)"]
    skipped = [b for b in report.current if b.skipped]
    failed = [b for b in report.current if b.failed and not b.skipped]
    if skipped:
        contents.append("[Skipped](#skipped)")
    if failed:
        contents.append("[Failed](#failed)")
    contents.append("[Run context](#run-context)")
    lines.append("Contents: " + " · ".join(contents))
    lines.append("")
    for results in report.files:
        if results.partial:
            lines.append(f"> ⚠ **{results.label}** is a partial run.")
    lines.extend(f"> ⚠ {warning}" for warning in contexts.warnings(report.files))
    if failed:
        lines.append(f"> ⚠ {len(failed)} benchmark(s) failed: see [Failed](#failed).")
    if any(line.startswith(">") for line in lines[-3:]):
        lines.append("")

    lines += _answers(report)
    lines += claims.markdown(report)

    if report.comparing and compared:
        key = metrics.TIME.key
        base = report.files[compared[0].versions[0][0]].label
        beyond = [c for c in compared if any(ch.beyond_noise for ch in c.changes.get(key, []))]
        lines.append("### Comparison")
        lines.append("")
        lines.append(
            f"Against {base}: {len(compared)} benchmarks in common; {len(beyond)} changed in time beyond their "
            "noise (🔺 slower, 🔻 faster)."
        )
        lines.append("")
        rows = []
        for item in compared:
            change = item.change(key)
            if change is None:
                continue
            rows.append(
                [
                    f"`{item.run_name}`",
                    compare.time_text(item, change.base_index),
                    compare.time_text(item, change.new_index),
                    _change(change),
                    f"±{change.threshold * 100:.1f}%",
                ]
            )
        lines += _table(["benchmark", "baseline", "new", "time change", "noise limit"], rows)

    lines.append("### Details")
    lines.append("")
    for section, workloads in report.sections().items():
        lines.append(f"#### {section}")
        lines.append("")
        for workload, benches in workloads.items():
            columns = tables.columns_for(benches, short=True)
            rows = [[c.cell(b) for c in columns] for b in tables.ordered(benches)]
            lines.append(f"**{workload}**")
            lines.append("")
            lines += _table([c.header for c in columns], rows)
            why = omitted.ctx_chart(benches)
            if why:
                lines += [f"_{why}._", ""]

    reasons = run_reasons(report)
    missing = missing_metrics(report)
    lines.append("### Not measured")
    lines.append("")
    for label, reason in reasons:
        lines.append(f"- {label + ': ' if report.comparing else ''}{reason}")
    for m in missing:
        who = "any implementation" if m.everywhere else ", ".join(m.impls)
        why = f" — {'; '.join(m.reasons)}" if m.reasons else ""
        lines.append(f"- {m.section}/{m.workload}: `{m.what}` not reported by {who}{why}")
    if not reasons and not missing:
        lines.append("Every metric was measured.")
    lines.append("")
    if skipped:
        lines += ["### Skipped", "", "Could not run on this machine (not failures):", ""]
        lines += [f"- `{b.run_name}`: {b.error[len(SKIPPED):]}" for b in skipped] + [""]
    if failed:
        lines += ["### Failed", ""]
        lines += [f"- `{b.run_name}`: {b.error}" for b in failed] + [""]
    lines += ["### Run context", ""]
    for results in report.files:
        prefix = f"**{results.label}**: " if report.comparing else ""
        lines.append(f"- {prefix}{_run_line(results) or results.path}")
    lines.append("")
    return "\n".join(lines)
