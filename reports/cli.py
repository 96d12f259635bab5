"""`yieldbench report RESULTS.json [MORE.json ...] [--out DIR]`: read, check, draw, write."""
import argparse
import datetime
import sys
import time
import traceback
from pathlib import Path

from .errors import ReportError
from .history_section import history_url

PROG = "yieldbench report"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block, no SystemExit from inside main()
        raise _UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description=(
            "Draw charts and write index.html (interactive and offline: PNG charts and assets/ beside it) and "
            "summary.md from yieldbench results files (Google Benchmark JSON). With two or more files, "
            "benchmarks present in several files are also compared against the first file that has them."
        ),
    )
    p.add_argument("results", nargs="+", metavar="RESULTS.json", help="results file(s); the first is the baseline")
    p.add_argument("--out", metavar="DIR", help="output folder (default: report/ beside the first results file)")
    p.add_argument(
        "--history",
        metavar="URL|PATH",
        help="the results history whose trends to draw (default: $YIELDBENCH_HISTORY, else history.sqlite in "
        "the results folder the run is in); 'off' draws none",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    return p


def default_out(first_results: str) -> Path:
    return Path(first_results).parent / "report"


def generate(paths: list, out_dir, quiet: bool = True, history: str = None) -> dict:
    """Load, check and write a report; returns {"index", "summary", "charts", "seconds"}.
    Raises ReportError before writing anything when an input is bad. With `history` (a database URL or path,
    see history_section.history_url), a report of one file gains the history's trend charts."""
    from . import compare, contexts, history_section, html, interactive, markdown
    from .draw import draw_all
    from .load import load_all
    from .model import Report
    from .output import prepare_out_dir, write_atomic

    started = time.monotonic()
    files = load_all(paths)
    contexts.check_same_measure(files)
    report = Report(files)
    if not quiet:
        for warning in contexts.warnings(files):
            print(f"{PROG}: warning: {warning}", file=sys.stderr)
    out = prepare_out_dir(out_dir)
    compared = compare.compare_report(report) if report.comparing else []
    written = draw_all(report, compared, out)
    section = history_section.build(history, files[-1], out) if history and len(files) == 1 else None
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary_md = markdown.build(report, compared) + ("\n" + history_section.markdown_of(section) if section else "")
    write_atomic(out / "summary.md", summary_md.encode("utf-8"))
    extras = interactive.build(report, compared, out)
    if extras.missing and not quiet:
        print(f"{PROG}: warning: interactive charts left out: missing {extras.missing}", file=sys.stderr)
    page = html.build(report, compared, written, generated, history_section.html_of(section, out), extras)
    write_atomic(out / "index.html", page.encode("utf-8"))
    result = {
        "index": out / "index.html",
        "summary": out / "summary.md",
        "charts": written,
        "seconds": time.monotonic() - started,
    }
    if not quiet:
        print(
            f"{PROG}: wrote {result['index']}, {result['summary']} and {len(written)} charts "
            f"in {result['seconds']:.1f} s"
        )
    return result


_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _one_line(text: str) -> str:
    """A file name holding a line break must not split the one line an error is."""
    return text.translate(_LINE_BREAKS)


def main(argv: list = None) -> int:
    """Exit status: 0 report written, 2 bad input or unusable output folder (one line on stderr), 3 a bug."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser().parse_args(argv)
    except _UsageError as exc:
        print(_one_line(f"{PROG}: {exc} (see --help)"), file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    out = args.out if args.out else default_out(args.results[0])
    try:
        history = history_url(args.results[0], args.history) if len(args.results) == 1 else None
        generate(args.results, out, quiet=args.quiet, history=history)
    except ReportError as exc:
        print(_one_line(f"{PROG}: {exc}"), file=sys.stderr)
        return 2
    except Exception:  # a bug: exit 3, never 1 (which means a regression) nor 2 (which blames the input)
        traceback.print_exc()
        print(f"{PROG}: internal error (a bug in yieldbench; the traceback is above), exit 3", file=sys.stderr)
        return 3
    return 0
