"""`yieldbench compare BASE.json NEW.json`: the regression gate's verdict per benchmark.

Exit status: 1 when any benchmark regressed, 0 otherwise (improvements, noise, new and missing
benchmarks do not fail), 2 on bad input: an unreadable, malformed, truncated or foreign file, results
from incompatible contexts or with no benchmark in common, bad options, an output that cannot be
written (checked before anything is compared). The method is described in gate/ and the README."""
import argparse
import math
import os
import pathlib
import sys
import tempfile
from dataclasses import dataclass

import ybgate
import ybresults

from . import arguments, options
from .errors import UsageError


@dataclass(frozen=True)
class GateOptions:
    """How the gate decides: shared by `compare` and `ci`."""

    threshold: float = None  # smallest change that counts, for every benchmark; None: ci/thresholds
    alpha: float = ybgate.DEFAULT_ALPHA
    thresholds: pathlib.Path = None  # None: ci/thresholds

    def __post_init__(self):
        if not 0 < self.alpha < 1 or math.isnan(self.alpha):
            raise UsageError(f"--alpha must lie between 0 and 1, got {self.alpha:g}")
        if self.thresholds is not None and not self.thresholds.exists():
            raise UsageError(f"--thresholds {self.thresholds}: no such file")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "GateOptions":
        return cls(arguments.threshold(args.threshold), args.alpha, args.thresholds)

    def rules(self) -> list:
        return ybgate.load_thresholds(self.thresholds)


@dataclass(frozen=True)
class Options:
    base: pathlib.Path
    new: pathlib.Path
    gate: GateOptions = GateOptions()
    markdown: pathlib.Path = None
    report: pathlib.Path = None


def add_gate_arguments(parser: argparse.ArgumentParser, same_as: str = "") -> None:
    said = f"as for `yieldbench {same_as}`" if same_as else None
    parser.add_argument(
        "--threshold",
        metavar="P",
        help=said
        or "smallest change that counts, for every benchmark (5%% or 0.05); default: ci/thresholds, else 5%% (time) "
        "or 0.5%% (instructions)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=ybgate.DEFAULT_ALPHA,
        metavar="A",
        help=said
        or "false discovery rate of the verdicts: Benjamini-Hochberg over the Mann-Whitney U tests "
        f"(default {ybgate.DEFAULT_ALPHA})",
    )
    parser.add_argument(
        "--thresholds",
        type=pathlib.Path,
        metavar="FILE",
        help=said or "per-family thresholds file (default: ci/thresholds)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "base", type=pathlib.Path, metavar="BASE.json", help="the baseline: a results file or ci/baselines/*.json"
    )
    parser.add_argument("new", type=pathlib.Path, metavar="NEW.json", help="the results to judge")
    add_gate_arguments(parser)
    parser.add_argument("--markdown", type=pathlib.Path, metavar="FILE", help="also write the verdicts as Markdown")
    parser.add_argument(
        "--report",
        type=pathlib.Path,
        metavar="DIR",
        help="also draw reports/' side-by-side comparison (charts, index.html) into DIR",
    )


def options_from(args: argparse.Namespace) -> Options:
    return options.from_namespace(Options, args, gate=GateOptions.from_args(args))


def execute(opts: Options) -> int:
    rules = opts.gate.rules()
    base, new = ybresults.load(opts.base), ybresults.load(opts.new)  # bad input first: then no output folder is made
    if opts.markdown:
        check_writable_file(opts.markdown, "--markdown")
    if opts.report:
        check_report_folder(opts.report)
    comparison = ybgate.compare(base, new, opts.gate.threshold, opts.gate.alpha, rules)
    print(ybgate.render_text(comparison))
    if opts.markdown:
        write_text(opts.markdown, ybgate.render_markdown(comparison))
    if opts.report:
        draw_report(opts.base, opts.new, opts.report)
    return comparison.exit_status


def draw_report(base: pathlib.Path, new: pathlib.Path, out: pathlib.Path) -> None:
    """reports/' side-by-side charts of two files; a report that fails costs the report, never the verdict."""
    try:
        import reports

        reports.generate([base, new], out)
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


def write_text(path: pathlib.Path, text: str) -> None:
    """Writes a summary or table (not results: those go through ybresults); UsageError naming the path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {_reason(error)}") from None
