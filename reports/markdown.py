"""summary.md: a compact Markdown summary for CI step summaries (no images): run line, warnings, one
table per section, the comparison's changes beyond noise, and the metrics that were not measured."""
from ybresults import units

from . import claims, contexts, metrics, tables
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


def build(report, compared: list, report_path: str = "index.html") -> str:
    lines = ["## yieldbench report", ""]
    for results in report.files:
        prefix = f"**{results.label}**: " if report.comparing else ""
        lines.append(f"- {prefix}{_run_line(results) or results.path}")
    lines.append("")
    ran = [b for b in report.current if not b.failed]
    failed = [b for b in report.current if b.failed]
    unstable = [b for b in ran if b.unstable]
    lines.append(
        f"{len(report.current)} benchmarks: {len(ran)} ran, {len(failed)} failed, "
        f"{len(unstable)} unstable. Charts: `{report_path}`."
    )
    lines.append("")
    for results in report.files:
        if results.partial:
            lines.append(f"> ⚠ **{results.label}** is a partial run.")
    lines.extend(f"> ⚠ {warning}" for warning in contexts.warnings(report.files))
    if failed:
        lines.append("> ⚠ Failed or skipped: " + "; ".join(f"`{b.run_name}` ({b.error})" for b in failed))
    if any(line.startswith(">") for line in lines[-3:]):
        lines.append("")

    if report.comparing and compared:
        key = metrics.TIME.key
        base = report.files[compared[0].versions[0][0]].label
        beyond = [c for c in compared if any(ch.beyond_noise for ch in c.changes.get(key, []))]
        lines.append(f"### Comparison with {base}")
        lines.append("")
        lines.append(
            f"{len(compared)} benchmarks in common; {len(beyond)} changed in time beyond their noise "
            "(🔺 slower, 🔻 faster)."
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
                    units.fmt_time(change.base),
                    units.fmt_time(change.new),
                    _change(change),
                    f"±{change.threshold * 100:.1f}%",
                ]
            )
        lines += _table(["benchmark", "baseline", "new", "time change", "noise limit"], rows)

    lines += claims.markdown(report)

    for section, workloads in report.sections().items():
        lines.append(f"### {section}")
        lines.append("")
        for workload, benches in workloads.items():
            columns = tables.columns_for(benches, short=True)
            rows = [[c.cell(b) for c in columns] for b in tables.ordered(benches)]
            lines.append(f"**{workload}**")
            lines.append("")
            lines += _table([c.header for c in columns], rows)

    reasons = run_reasons(report)
    missing = missing_metrics(report)
    if reasons or missing:
        lines.append("### Not measured")
        lines.append("")
        for label, reason in reasons:
            lines.append(f"- {label + ': ' if report.comparing else ''}{reason}")
        for m in missing:
            who = "any implementation" if m.everywhere else ", ".join(m.impls)
            why = f" — {'; '.join(m.reasons)}" if m.reasons else ""
            lines.append(f"- {m.section}/{m.workload}: `{m.what}` not reported by {who}{why}")
        lines.append("")
    return "\n".join(lines)
