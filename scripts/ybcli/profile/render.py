"""A profile as text on the terminal and as index.html beside its files: the facts, the tables (the
implementation's own code highlighted), the flame graphs and the commands that explore further."""
import html
import pathlib

from .. import paths
from .outcome import Outcome
from .selection import Selection


def plain_table(title: str, header: list, rows: list) -> str:
    widths = (
        [max(len(str(cell)) for cell in column) for column in zip(header, *rows)] if rows else [len(h) for h in header]
    )
    lines = [title]
    for cells in [header] + rows:
        lines.append(
            "  "
            + "  ".join(
                str(cell).rjust(width) if index < len(cells) - 1 and index < 2 else str(cell).ljust(width)
                for index, (cell, width) in enumerate(zip(cells, widths))
            ).rstrip()
        )
    return "\n".join(lines)


def render_terminal(selection: Selection, tool: str, outcome: Outcome) -> str:
    lines = [""]
    for label, value in outcome.facts[1:]:
        lines.append(f"{label}: {value}")
    for table in outcome.tables:
        lines += ["", plain_table(*table)]
    if outcome.notes:
        lines += [""] + [f"note: {note}" for note in outcome.notes]
    lines += ["", "wrote:"] + [f"  {paths.shown(path)}  {what}" for path, what in outcome.artifacts]
    lines += ["", "explore further:"] + [f"  {command}" for command in outcome.explore if command]
    return "\n".join(lines)


def render_page(selection: Selection, tool: str, outcome: Outcome, out_dir: pathlib.Path) -> str:
    esc = html.escape
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>{esc(tool)}: {esc(selection.label)}</title>",
        "<style>body{font:14px sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}td.n{text-align:right;white-space:nowrap}"
        "code{background:#f4f4f4;padding:1px 4px}td.own{background:hsl(28,90%,85%)}</style>",
        f"<h1>{esc(tool)} profile</h1><table>",
    ]
    for label, value in outcome.facts:
        parts.append(f"<tr><th>{esc(label)}</th><td>{value if label == 'benchmarks' else esc(str(value))}</td></tr>")
    parts.append("</table>")
    for path, what in outcome.artifacts:
        if path.suffix == ".svg":
            parts.append(
                f"<h2>{esc(what)}</h2><p><a href='{esc(path.name)}'>"
                f"<img src='{esc(path.name)}' style='max-width:100%'></a>"
                f" <br><small>(open <a href='{esc(path.name)}'>{esc(path.name)}</a> on its own to zoom)</small></p>"
            )
    for title, header, rows in outcome.tables:
        parts.append(f"<h2>{esc(title)}</h2><table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
        for row in rows:
            cells = []
            for index, cell in enumerate(row):
                css = "n" if index < 2 and index < len(row) - 1 else ("own" if cell == "own" else "")
                cells.append(f"<td class='{css}'>{esc(str(cell))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    if outcome.notes:
        parts.append("<h2>notes</h2><ul>" + "".join(f"<li>{esc(note)}</li>" for note in outcome.notes) + "</ul>")
    parts.append("<h2>files</h2><ul>")
    for path, what in outcome.artifacts:
        parts.append(f"<li><a href='{esc(path.name)}'>{esc(path.name)}</a>: {esc(what)}</li>")
    parts.append("<li><a href='run.log'>run.log</a>: the profiler's command line and output</li></ul>")
    parts.append("<h2>explore further</h2><pre>" + esc("\n".join(c for c in outcome.explore if c)) + "</pre>")
    return "\n".join(parts) + "\n"
