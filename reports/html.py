"""index.html: one page beside its chart PNGs and assets/ (no network): the answers (headline tables,
claims checked, the comparison), every result in one table, then charts and tables per section; the run
context, the metrics not measured, skips and failures last, linked from the nav at the top. The
interactive parts (plotly charts, the sortable table) come from interactive.py."""
from html import escape

from ybresults import units
from ybresults.progress import SKIPPED

from . import claims, compare, contexts, headline, metrics, omitted, tables
from .availability import missing_metrics, run_reasons
from .model import case_label

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1400px;
padding:0 1.5em 3em;color:#1d1d1f;line-height:1.4}
h1{margin:.8em 0 .2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.6em}nav{background:#f5f5f7;padding:.6em 1em;border-radius:6px}nav a{margin-right:1em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}th,td{border:1px solid #d0d0d5;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f0f0f3}td.num{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}tr.unstable td{background:#fff6e0}tr.failed td{background:#fde8ea}tr.skipped td{color:#666}
.mark{font-weight:bold;color:#0a5a2f}
.beyond-worse{color:#b00020;font-weight:bold}.beyond-better{color:#0a7a2f;font-weight:bold}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #e3e3e8}
figcaption{font-size:.85em;color:#555;max-width:60em}.warn{background:#fff6e0;border-left:4px solid #e6a100;
padding:.5em 1em}.muted{color:#666}.scroll{overflow-x:auto}code{background:#f3f3f5;padding:0 .2em}
"""


def _e(text) -> str:
    return escape(str(text), quote=True)


def _anchor(*parts) -> str:
    return "-".join(str(p) for p in parts).replace("/", "-").replace(" ", "-")


def _table(headers: list, rows: list, row_classes: list = None, numeric: set = frozenset()) -> str:
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes else ""
        out.append(f'<tr class="{cls}">' if cls else "<tr>")
        for j, cell in enumerate(row):
            out.append(f'<td class="num">{cell}</td>' if j in numeric else f"<td>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _figure(chart) -> str:
    return (
        f'<figure id="{_e(chart.filename)}"><img src="{_e(chart.filename)}" alt="{_e(chart.title)}" '
        f'loading="lazy"><figcaption>{_e(chart.caption)}</figcaption></figure>'
    )


def _bench_table(benches: list) -> str:
    columns = tables.columns_for(benches)
    rows, classes = [], []
    for bench in tables.ordered(benches):
        rows.append([_e(c.cell(bench)) for c in columns])
        classes.append(bench.status if bench.failed else ("unstable" if bench.unstable else ""))
    numeric = {i for i, c in enumerate(columns) if c.metric}
    return _table([c.header for c in columns], rows, classes, numeric)


def _warnings(report) -> list:
    items = []
    for results in report.files:
        who = f"{results.label}: " if report.comparing else ""
        if results.partial:
            items.append(f"{who}partial run — some benchmarks did not finish; their results are missing.")
        for failure in results.failures:
            if isinstance(failure, dict):
                failure = ", ".join(f"{k}: {v}" for k, v in failure.items())
            items.append(f"{who}failure: {failure}")
        if results.context.get("cpu_scaling_enabled") is True:
            items.append(f"{who}CPU frequency scaling was enabled: times may vary more than usual.")
        if results.ignored:
            shown = ", ".join(results.ignored[:5]) + (" …" if len(results.ignored) > 5 else "")
            items.append(
                f"{who}{len(results.ignored)} benchmark name(s) not in family/workload/implementation/"
                f"param:value form were left out: {shown}"
            )
        items.extend(f"{who}{note}" for note in results.notes)
    items.extend(contexts.warnings(report.files))
    failed = [b for b in report.current if b.failed and not b.skipped]
    if failed:
        items.append(f"{len(failed)} benchmark(s) failed; they are listed at the end and left out of the charts.")
    unstable = [b for b in report.current if not b.failed and b.unstable]
    if unstable:
        items.append(
            f"{len(unstable)} benchmark(s) unstable: their repetitions varied more than the noise "
            "limit; they are hatched in charts and marked ⚠ in tables."
        )
    return items


def _unavailable(report) -> str:
    parts = []
    reasons = run_reasons(report)
    if reasons:
        parts.append("<p>Reported by the run as not measurable on this machine:</p><ul>")
        parts += [f"<li>{_e(label + ': ' if report.comparing else '')}{_e(reason)}</li>" for label, reason in reasons]
        parts.append("</ul>")
    missing = missing_metrics(report)
    if missing:
        rows = []
        for m in missing:
            who = "every implementation" if m.everywhere else ", ".join(m.impls)
            rows.append(
                [
                    _e(f"{m.section} / {m.workload}"),
                    f"<code>{_e(m.what)}</code>",
                    _e(who),
                    _e("; ".join(m.reasons) or "–"),
                ]
            )
        parts.append(
            "<p>Counters the design (docs/design.md) asks for that these benchmarks did not report (absent, never "
            "counted as zero):</p>"
        )
        parts.append(_table(["workload", "metric", "not reported by", "reason given"], rows))
    if not parts:
        parts.append("<p>Every metric was measured.</p>")
    return "".join(parts)


def _comparison(report, compared: list, charts: list, interactive) -> str:
    if not compared:
        return (
            "<p>No benchmark appears in more than one of the files, so there is nothing to compare; "
            "each file’s benchmarks are shown below.</p>"
        )
    base = report.files[compared[0].versions[0][0]].label
    out = [
        f"<p>Each benchmark is compared with the first file that has it (here mostly <b>{_e(base)}</b>). "
        "A change is <i>beyond noise</i> when the regression gate would call it a regression or an improvement "
        "(the same verdict as <code>yieldbench compare</code>: above the benchmark's threshold, significant in a "
        "Mann–Whitney U test after Benjamini–Hochberg control, or far beyond the runs' own spread; "
        "<code>ybgate/verdict.py</code>). With one repetition a side nothing is beyond noise.</p>"
    ]
    key = metrics.TIME.key
    for (section, workload), items in compare.grouped(compared).items():
        out.append(f'<h3 id="{_e(_anchor("cmp", section, workload))}">{_e(section)} / {_e(workload)}</h3>')
        figures = [
            _figure(c)
            for c in charts
            if c.kind.startswith("compare") and c.section == section and c.workload == workload
        ]
        out += interactive.around_pngs("compare", section, workload, figures) if interactive else figures
        files = sorted({i for item in items for i, _ in item.versions})
        headers = ["implementation", "parameters"] + [f"{report.files[i].label} time" for i in files]
        headers += [f"change {report.files[i].label}" for i in files[1:]] + ["memory / p99 change"]
        rows = []
        for item in items:
            row = [_e(item.impl), _e(case_label(item.params))]
            for i in files:
                row.append(_e(compare.time_text(item, i)))
            for i in files[1:]:
                row.append(_change_cell(item.change(key, i)))
            other = []
            for metric in metrics.COMPARED[1:]:
                change = item.change(metric.key)
                if change:
                    other.append(f"{_e(metric.title)} {_change_cell(change)}")
            row.append("<br>".join(other) or "–")
            rows.append(row)
        numeric = set(range(2, 2 + 2 * len(files) - 1))
        out.append(_table(headers, rows, numeric=numeric))
    return "".join(out)


def _change_cell(change) -> str:
    if change is None:
        return "–"
    text = _e(units.fmt_pct(change.ratio))
    if change.beyond_noise:
        cls = "beyond-worse" if change.worse else "beyond-better"
        mark = "▲" if change.worse else "▼"
        return f'<span class="{cls}" title="beyond noise (limit ±{change.threshold * 100:.1f}%)">{mark} {text}</span>'
    return f'<span class="muted" title="within noise (limit ±{change.threshold * 100:.1f}%)">{text}</span>'


def _answers(report) -> str:
    out = [
        '<h2 id="answers">Answers</h2>',
        "<p>Per workload, at its largest case: each implementation’s wall time per item (the item named; "
        "time per operation beside it), memory and context switches; the fastest and the leanest marked. "
        "Charts and every counter follow per section, with every case.</p>",
    ]
    for t in headline.tables(report):
        out.append(
            f'<h3 id="{_e(_anchor("answer", t.section, t.workload))}">{_e(t.section)} / {_e(t.workload)} '
            f'<span class="muted">— {_e(t.time.title)}</span></h3>'
        )
        rows, classes = [], []
        for case in t.cases:
            for row in case.rows:
                texts = headline.cells(t, case, row)
                cells = [_e(text) for text in texts[:-1]]
                cells.append(f'<span class="mark">{_e(texts[-1])}</span>' if row.marks else _e(texts[-1]))
                rows.append(cells)
                classes.append(row.bench.status if row.bench.failed else ("unstable" if row.bench.unstable else ""))
        out.append(_table(headline.headers(t), rows, classes, numeric={2, 3, 4, 5, 6}))
    return "".join(out)


def _not_run(title: str, anchor: str, intro: str, benches: list, message) -> str:
    rows = [[_e(b.run_name), _e(message(b))] for b in benches]
    return f'<h2 id="{anchor}">{_e(title)}</h2><p>{_e(intro)}</p>' + _table(["benchmark", "reason"], rows)


def build(report, compared: list, charts: list, generated: str, history: str = "", interactive=None) -> str:
    """Answers first (headline tables, claims, the comparison), then charts and tables per section; the run
    context, the metrics not measured, skips and failures last, all linked from the nav. `interactive`
    (interactive.Interactive) adds the plotly charts and the table of every result."""
    sections = report.sections()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>yieldbench report</title>",
        f"<style>{CSS}</style>{interactive.head if interactive else ''}</head><body>",
        "<h1>yieldbench report</h1>",
        f'<p class="muted">Generated {_e(generated)} from {", ".join(_e(f.path) for f in report.files)}.</p>',
    ]
    skipped = [b for b in report.current if b.skipped]
    failed = [b for b in report.current if b.failed and not b.skipped]
    nav = [("answers", "Answers")]
    if claims.has_python(report):
        nav.append(("claims", "Claims checked"))
    if report.comparing:
        nav.append(("comparison", "Comparison"))
    if interactive:
        nav.append(("results", "All results"))
    nav += [(_anchor("section", s), s) for s in sections]
    if history:
        nav.append(("history", "History"))
    nav += [("context", "Run context"), ("unavailable", "Not measured")]
    if skipped:
        nav.append(("skipped", "Skipped"))
    if failed:
        nav.append(("failed", "Failed"))
    out.append("<nav>" + "".join(f'<a href="#{_e(a)}">{_e(t)}</a>' for a, t in nav) + "</nav>")
    ran = [b for b in report.current if not b.failed]
    out.append(
        f"<p>{_e(headline.counts_text(report.current))} in {len(sections)} section(s); "
        f"{sum(b.unstable for b in ran)} unstable; {len(charts)} charts.</p>"
    )
    warnings = _warnings(report)
    if warnings:
        out.append(
            '<div class="warn"><b>Warnings</b><ul>' + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul></div>"
        )

    out.append(_answers(report))
    out.append(claims.html(report))
    if report.comparing:
        out.append('<h2 id="comparison">Comparison</h2>')
        out.append(_comparison(report, compared, charts, interactive))

    if interactive:
        out.append(interactive.table)

    for section, workloads in sections.items():
        out.append(f'<h2 id="{_e(_anchor("section", section))}">{_e(section)}</h2>')
        for workload, benches in workloads.items():
            out.append(f'<h3 id="{_e(_anchor(section, workload))}">{_e(workload)}</h3>')
            figures = [
                _figure(c)
                for c in charts
                if not c.kind.startswith("compare") and c.section == section and c.workload == workload
            ]
            out += interactive.around_pngs("run", section, workload, figures) if interactive else figures
            out.append(_bench_table(benches))
            why = omitted.ctx_chart(benches)
            if why:
                out.append(f'<p class="muted">{_e(why[0].upper() + why[1:])}.</p>')

    if history:
        out.append(history)
    out.append('<h2 id="context">Run context</h2>')
    headers = ["", *[f.label for f in report.files]]
    out.append(_table(headers, [[_e(k), *[_e(t) for t in texts]] for k, texts in tables.context_rows(report.files)]))
    if any(f.context.get("library_build_type") == "debug" for f in report.files):
        out.append(
            '<p class="muted">The Google Benchmark library itself is a debug build (Debian’s package); '
            "the timed loops are compiled by the suite with its own flags.</p>"
        )
    out.append('<h2 id="unavailable">Metrics not measured</h2>')
    out.append(_unavailable(report))
    if skipped:
        out.append(
            _not_run(
                "Skipped benchmarks",
                "skipped",
                "Could not run on this machine (a kernel limit, memory, time); not failures.",
                skipped,
                lambda b: b.error[len(SKIPPED) :],
            )
        )
    if failed:
        out.append(
            _not_run("Failed benchmarks", "failed", "Errors: these did not give a result.", failed, lambda b: b.error)
        )
    out.append("</body></html>\n")
    return "\n".join(out)
