"""`yieldbench compare BASE.json NEW.json`: the regression gate's verdict per benchmark.

Exit status: 1 when any benchmark regressed, 0 otherwise (improvements, noise, new and missing
benchmarks do not fail), 2 on bad input: an unreadable, malformed, truncated or foreign file, results
from incompatible contexts or with no benchmark in common, bad options, an output that cannot be
written (checked before anything is compared). The method is described in gate.py and the README."""
import argparse
import os
import pathlib
import tempfile

from . import gate
from .errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE.json", help="the baseline: a results file or ci/baselines/*.json")
    parser.add_argument("new", metavar="NEW.json", help="the results to judge")
    parser.add_argument(
        "--threshold",
        metavar="P",
        help="smallest change that counts, for every benchmark (5%% or 0.05); default: "
        "ci/thresholds, else 5%% (time) or 1%% (instructions)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=gate.DEFAULT_ALPHA,
        metavar="A",
        help=f"significance level of the Mann-Whitney U test (default {gate.DEFAULT_ALPHA})",
    )
    parser.add_argument(
        "--thresholds", type=pathlib.Path, metavar="FILE", help="per-family thresholds file (default: ci/thresholds)"
    )
    parser.add_argument("--markdown", type=pathlib.Path, metavar="FILE", help="also write the verdicts as Markdown")
    parser.add_argument(
        "--report",
        type=pathlib.Path,
        metavar="DIR",
        help="also draw reports/' side-by-side comparison (charts, index.html) into DIR",
    )


def options(args) -> tuple:
    """(threshold override or None, alpha, rules) from the parsed arguments; bad values are UsageErrors."""
    threshold = None
    if args.threshold is not None:
        try:
            threshold = gate.parse_fraction(args.threshold)
        except ValueError as error:
            raise UsageError(f"--threshold: {error}") from None
    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must lie between 0 and 1, got {args.alpha:g}")
    if args.thresholds is not None and not args.thresholds.exists():
        raise UsageError(f"--thresholds {args.thresholds}: no such file")
    return threshold, args.alpha, gate.load_thresholds(args.thresholds)


def execute(args: argparse.Namespace) -> int:
    threshold, alpha, rules = options(args)
    base, new = gate.load(args.base), gate.load(args.new)  # bad input first: then no output folder is made
    if args.markdown:
        check_writable_file(args.markdown, "--markdown")
    if args.report:
        check_report_folder(args.report)
    comparison = gate.compare(base, new, threshold, alpha, rules)
    print(gate.render_text(comparison))
    if args.markdown:
        write_markdown(args.markdown, gate.render_markdown(comparison))
    if args.report:
        draw_report(args.base, args.new, args.report)
    return comparison.exit_status


def draw_report(base, new, out: pathlib.Path) -> None:
    """reports/' side-by-side charts of two files; a report that fails costs the report, never the verdict."""
    import sys

    try:
        import reports

        if reports.main([str(base), str(new), "--out", str(out), "--quiet"]) == 0:
            print(f"yieldbench: comparison report: {out / 'index.html'}", file=sys.stderr)
    except Exception as error:  # the verdict stands without charts
        print(
            f"yieldbench: the comparison report failed ({type(error).__name__}: {error}); the verdict stands",
            file=sys.stderr,
        )


def check_writable_file(path: pathlib.Path, option: str) -> None:
    """UsageError unless `path` can be written; it creates missing parent folders, never the file itself, so
    a comparison that fails later leaves no empty file behind."""
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot write there ({_reason(error)})") from None
    os.close(handle)
    os.unlink(probe)


def check_report_folder(path: pathlib.Path) -> None:
    """The report's own check of its output folder, before minutes of comparing rather than after."""
    from reports.errors import ReportError
    from reports.output import prepare_out_dir

    try:
        prepare_out_dir(path)
    except ReportError as error:
        raise UsageError(f"--report {error}") from None


def _reason(error: OSError) -> str:
    """strerror, or what it means where a parent is a file (mkdir says 'File exists', open 'Not a directory')."""
    if error.errno in (17, 20) and error.filename is not None and pathlib.Path(error.filename).is_file():
        return f"{error.filename} is a file, not a folder"
    return error.strerror or str(error)


def write_markdown(path: pathlib.Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {_reason(error)}") from None
