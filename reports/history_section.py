"""The report's history section: trend charts of this run's benchmarks across the runs of the same machine class
and measure in the results history (ybhistory), drawn when the history holds two or more such runs.

The history is optional: without SQLAlchemy, without a history, or with one that cannot be read, the report is
drawn without the section (a line in it says why, where there was a history to read)."""
import html
import os
import pathlib
from dataclasses import dataclass, field

ENV = "YIELDBENCH_HISTORY"
FOLDER = "history"


@dataclass
class Section:
    machine_class: str = ""
    measure: str = ""
    runs: int = 0
    charts: list = field(default_factory=list)  # ybhistory.trend.TrendChart
    note: str = ""  # why there is no section, when there was a history to read


def history_url(results_file, history: str = None):
    """The history a report of `results_file` reads: `history`, else $YIELDBENCH_HISTORY, else history.sqlite
    in the results root the run folder is in (when it exists); None when there is none or it is 'off'."""
    value = history or os.environ.get(ENV)
    if value:
        return None if value.lower() in ("off", "none", "no") else value
    candidate = pathlib.Path(results_file).resolve().parent.parent / "history.sqlite"
    return str(candidate) if candidate.is_file() else None


def build(history: str, results, out: pathlib.Path) -> Section:
    """The section for the report of `results` (a reports.model.ResultsFile), charts drawn under out/history/."""
    from ybresults.model import measure_of

    label, measure_mode = results.label, measure_of({"yieldbench": results.meta, "context": results.context})
    wanted = [bench.run_name for bench in results.benchmarks]
    try:
        import ybhistory
        from ybhistory import trend
    except ImportError as error:
        return Section(note=f"history not drawn: {error} (install python3-sqlalchemy)")
    url = ybhistory.url_for(history, out)
    try:
        with ybhistory.Store(url) as store:
            mine = [run for run in store.runs() if run.label == label and run.measure == measure_mode]
            if mine:
                klass, measure = mine[-1].machine_class, mine[-1].measure
            else:
                classes = [row for row in store.classes() if row[1] == measure_mode]
                if not classes:
                    return Section(note=f"history {store.shown}: no runs measured by {measure_mode}")
                klass, measure = classes[0][0], classes[0][1]
            runs = min(len(store.runs(klass, measure)), trend.REPORT_RUNS)
            section = Section(klass, measure, runs)
            if runs < 2:
                section.note = f"history {store.shown}: {runs} run of {klass}; trends need two"
                return section
            section.charts = trend.draw_all(store, klass, measure, out / FOLDER, wanted, trend.REPORT_RUNS)
            return section
    except ybhistory.HistoryError as error:
        return Section(note=f"history not drawn: {error}")


def html_of(section: Section, out: pathlib.Path) -> str:
    if section is None:
        return ""
    parts = ['<h2 id="history">History</h2>']
    if not section.charts:
        parts.append(f'<p class="muted">{html.escape(section.note or "no history")}</p>')
        return "\n".join(parts)
    steps = sum(len(chart.steps) for chart in section.charts)
    parts.append(
        f"<p>{section.runs} runs of machine class <b>{html.escape(section.machine_class)}</b> "
        f"({html.escape(section.measure)}), in date order: each run's median and the spread of its repetitions; "
        f"{steps} change point(s) marked (PELT, see <code>yieldbench history changes</code>).</p>"
    )
    for chart in section.charts:
        relative = os.path.relpath(chart.path, out)
        parts.append(
            f'<figure><img src="{html.escape(relative)}" alt="trend of {html.escape(chart.workload)}" '
            f'loading="lazy"><figcaption>{html.escape(chart.workload)}: {chart.series} series</figcaption></figure>'
        )
    return "\n".join(parts)


def markdown_of(section: Section) -> str:
    if section is None:
        return ""
    if not section.charts:
        return f"## History\n\n{section.note or 'no history'}\n"
    lines = [
        "## History",
        "",
        f"{section.runs} runs of {section.machine_class} ({section.measure}); trend charts in " f"`report/{FOLDER}/`.",
        "",
    ]
    steps = [step for chart in section.charts for step in chart.steps]
    if steps:
        lines += ["| benchmark | between commits | change | confidence |", "|---|---|---|---|"]
        lines += [
            f"| {s.name} | {s.previous_commit[:9]}..{s.commit[:9]} | {s.change:+.1%} | {s.confidence:.2f} |"
            for s in steps
        ]
        lines.append("")
    return "\n".join(lines)
