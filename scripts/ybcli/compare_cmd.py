"""`yieldbench compare BASE.json NEW.json`: the regression gate's verdict per benchmark.

Exit status: 1 when any benchmark regressed, 0 otherwise (improvements, noise, new and missing
benchmarks do not fail), 2 on bad input. The method is described in gate.py and the README."""
import argparse
import pathlib

from . import gate
from .errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE.json", help="the baseline: a results file or ci/baselines/*.json")
    parser.add_argument("new", metavar="NEW.json", help="the results to judge")
    parser.add_argument("--threshold", metavar="P",
                        help="smallest change that counts, for every benchmark (5%% or 0.05); default: "
                             "ci/thresholds, else 5%% (time) or 1%% (instructions)")
    parser.add_argument("--alpha", type=float, default=gate.DEFAULT_ALPHA, metavar="A",
                        help=f"significance level of the Mann-Whitney U test (default {gate.DEFAULT_ALPHA})")
    parser.add_argument("--thresholds", type=pathlib.Path, metavar="FILE",
                        help="per-family thresholds file (default: ci/thresholds)")
    parser.add_argument("--markdown", type=pathlib.Path, metavar="FILE", help="also write the verdicts as Markdown")
    parser.add_argument("--report", type=pathlib.Path, metavar="DIR",
                        help="also draw reports/' side-by-side comparison (charts, index.html) into DIR")


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
    if args.thresholds is not None and not args.thresholds.is_file():
        raise UsageError(f"--thresholds {args.thresholds}: no such file")
    return threshold, args.alpha, gate.load_thresholds(args.thresholds)


def execute(args: argparse.Namespace) -> int:
    threshold, alpha, rules = options(args)
    comparison = gate.compare(gate.load(args.base), gate.load(args.new), threshold, alpha, rules)
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
        print(f"yieldbench: the comparison report failed ({type(error).__name__}: {error}); the verdict stands",
              file=sys.stderr)


def write_markdown(path: pathlib.Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
