"""The interactive layer of index.html: the assets copied beside it, a plotly chart per workload (and per
compared workload), drawn by the page when scrolled near, and the sortable, filterable table of every result.
html.build asks it for fragments; without Debian's files (scripts/bootstrap installs them) the page keeps
its PNG charts and plain tables and says what is missing."""
from dataclasses import dataclass, field
from html import escape

from . import assets, results_table
from . import colors as palette
from .compare import grouped

CSS = (
    ".yb-chart{margin:1em 0;border:1px solid #e3e3e8;min-height:120px}"
    "details.pngs{margin:.4em 0 1em}details.pngs summary{cursor:pointer;color:#555;font-size:.9em}"
    "table.dataTable{margin:.6em 0!important}#yb-results td{white-space:nowrap}"
    "#yb-results td.verdict-worse{color:#b00020;font-weight:bold}#yb-results td.verdict-better{color:#0a7a2f;"
    "font-weight:bold}#yb-results td.clip{max-width:30em;overflow:hidden;text-overflow:ellipsis}"
    ".dataTables_wrapper{font-size:.9em;margin:.6em 0}"
)
TABLE_CAPTION = (
    "Every benchmark of the report: click a header to sort (shift-click for a second key), type in the filter "
    "to keep the rows whose text matches."
)


@dataclass
class Interactive:
    head: str = ""  # <link>/<script> tags for <head>
    table: str = ""  # the section of every result
    charts: dict = field(default_factory=dict)  # (kind, section, workload) -> chart HTML
    missing: str = ""  # why the page has no interactive parts, else ""
    asset_bytes: int = 0

    def chart(self, kind: str, section: str, workload: str) -> str:
        """The chart of a workload ("run") or of its comparison ("compare"), else ""."""
        return self.charts.get((kind, section, workload), "")

    def around_pngs(self, kind: str, section: str, workload: str, figures: list) -> list:
        """The interactive chart, then the PNG charts folded away (still one click from the page)."""
        chart = self.chart(kind, section, workload)
        if not chart or not figures:
            return ([chart] if chart else []) + figures
        summary = f"Static charts (PNG, {len(figures)})"
        return [chart, f'<details class="pngs"><summary>{summary}</summary>', *figures, "</details>"]


def _e(text) -> str:
    return escape(str(text), quote=True)


def _figure_html(figure, number: int) -> str:
    import plotly.io

    # The JSON sits in a non-executed script; "</" is escaped so no string in it can end that element.
    spec = plotly.io.to_json(figure, validate=False).replace("</", "<\\/")
    height = figure.layout.height or 450
    return (
        f'<div class="yb-chart" id="yb-chart-{number}" data-figure="yb-figure-{number}" '
        f'style="height:{height}px"></div>'
        f'<script type="application/json" id="yb-figure-{number}">{spec}</script>'
    )


def _table_html(report, compared: list) -> str:
    columns, rows = results_table.rows(report, compared)
    out = [
        '<h2 id="results">All results</h2>',
        f'<p class="muted">{_e(TABLE_CAPTION)}</p>',
        '<div class="scroll"><table id="yb-results" class="display compact"><thead><tr>',
    ]
    out += [
        f'<th title="{_e(c.title)}">{_e(c.header)}</th>' if c.title else f"<th>{_e(c.header)}</th>" for c in columns
    ]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = []
        for column, (text, order) in zip(columns, row):
            if column.numeric:
                key = "" if order is None else f"{order:.17g}"
                cells.append(f'<td class="num" data-order="{key}">{_e(text)}</td>')
            elif column.css and column.css(text):
                cells.append(f'<td class="{column.css(text)}">{_e(text)}</td>')
            elif column.clip and text:
                cells.append(f'<td class="clip" title="{_e(text)}">{_e(text)}</td>')
            else:
                cells.append(f"<td>{_e(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def build(report, compared: list, out) -> Interactive:
    """Copies the assets into `out` and builds the page's fragments."""
    table = _table_html(report, compared)
    lacking = assets.missing()
    try:
        from . import plotly_figures
    except ImportError:
        lacking = sorted(set(lacking) | {"python3-plotly"})
    if lacking:
        note = (
            f'<p class="warn">Interactive charts and table sorting are left out: missing {", ".join(lacking)} '
            "(scripts/bootstrap installs them).</p>"
        )
        return Interactive(table=note + table, missing=", ".join(lacking))
    size = assets.copy_into(out)
    charts = {}
    for (section, workload), items in grouped(compared).items():
        colors = palette.distinct(item.impl for item in items)
        figure = plotly_figures.comparison_figure(report, section, workload, items, colors)
        if figure is not None:
            charts[("compare", section, workload)] = _figure_html(figure, len(charts))
    for section, workloads in report.sections().items():
        for workload, benches in workloads.items():
            colors = palette.distinct(b.impl for b in benches)
            figure = plotly_figures.workload_figure(section, workload, benches, colors)
            if figure is not None:
                charts[("run", section, workload)] = _figure_html(figure, len(charts))
    head = f"<style>{CSS}</style>\n{assets.head_tags()}"
    return Interactive(head=head, table=table, charts=charts, asset_bytes=size)
