"""yieldbench: benchmarks that make the costs of concurrency models visible.

  yieldbench run      build the suite, run it with progress, write results/<run-id>/ and a summary
  yieldbench test     build, then run every test (style, ctest and pytest)
  yieldbench list     families, workloads and implementations with one-line descriptions
  yieldbench compare  regression verdicts between two results files (exit 1 on a regression)
  yieldbench baseline save|show  the gate's baselines in ci/baselines/
  yieldbench ci       test, quick run, compare with the baseline; its exit status is the gate's
  yieldbench report   charts, index.html and summary.md from results files (see `yieldbench report --help`)
  yieldbench profile  one benchmark under perf, callgrind or heaptrack
  yieldbench gate-check  the gate's own false-alarm and detection rates, measured
  yieldbench history  the results history: list, show, trend, changes, import, export
  yieldbench bisect   the first commit where one benchmark got slower, by A/B measurements

Exit status: 0 success, 1 a regression or failed tests, 2 bad input, 3 an internal error (a bug),
130/143 interrupted."""
import argparse
import sys
import traceback

import ybgate
import ybresults

from . import (
    baseline_cmd,
    bisect_cmd,
    ci_cmd,
    compare_cmd,
    gate_check_cmd,
    history_cmd,
    list_cmd,
    profile,
    run,
    test_cmd,
)
from .errors import HistoryError, SetupError, UsageError

EXIT_INTERNAL_ERROR = 3

# Every character str.splitlines() breaks at: a file name or argument holding one must not split the one line.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text) -> str:
    """`text` with its line breaks written as escapes: bad input is said in exactly one line."""
    return str(text).translate(_LINE_BREAKS)


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments are one line naming the problem, like every other bad input, not a usage block."""

    def error(self, message):
        raise ArgumentsError(f"{self.prog}: {message} (see `{self.prog} --help`)")


class ArgumentsError(UsageError):
    """Raised while parsing, before the command is known; its text carries the command's name."""


COMMANDS = {
    "run": (run, "build the suite, run it with progress, write results/<run-id>/results.json and a summary"),
    "test": (test_cmd, "build, then run every test: style, ctest (C++) and pytest (Python)"),
    "list": (list_cmd, "families, workloads and implementations, each with a one-line description"),
    "compare": (compare_cmd, "regression verdict per benchmark between two results files; exit 1 on a regression"),
    "baseline": (
        baseline_cmd,
        "save or show the results the CI gate compares against (ci/baselines/<measure>-<machine class>.json)",
    ),
    "ci": (
        ci_cmd,
        "test, measure (against --base REF on this machine, or the committed baseline), write the gate's "
        "summary.md; exit 1 on a regression",
    ),
    "gate-check": (
        gate_check_cmd,
        "the gate's error rates: A/A gate runs and runs with an injected slowdown of one benchmark",
    ),
    "history": (
        history_cmd,
        "the results history every run and ci records: list, show, trend, changes, import, export",
    ),
    "bisect": (
        bisect_cmd,
        "the first bad commit for one benchmark: commits built in worktrees, each A/B-measured against the good one",
    ),
    "profile": (
        profile,
        "one benchmark under perf, callgrind or heaptrack: flame graph, top functions, index.html",
    ),
}


# Commands whose arguments belong to another package: listed in --help, handed their argv whole.
DELEGATED = {
    "report": "charts, index.html and summary.md from one results file, or a comparison of several",
}


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(
        prog="yieldbench", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    for name, summary in DELEGATED.items():
        commands.add_parser(name, help=summary, add_help=False)
    return top


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "report":
        import reports  # matplotlib is imported only by commands that draw

        return reports.main(argv[1:])
    command = argv[0] if argv and argv[0] in COMMANDS else "?"
    try:
        args, unknown = parser().parse_known_args(argv)
        if unknown:  # said by the command they were given to, not by the top level
            raise ArgumentsError(
                f"yieldbench {args.command}: unrecognized arguments: {' '.join(unknown)} "
                f"(see `yieldbench {args.command} --help`)"
            )
    except ArgumentsError as error:
        print(one_line(error), file=sys.stderr)
        return 2
    try:
        return args.module.execute(args.module.options_from(args))
    except (UsageError, SetupError, ybresults.ResultsError, ybgate.GateError, HistoryError) as error:
        print(one_line(f"yieldbench {args.command}: {error}"), file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder the command needed and no check above foresaw
        where = f"{error.filename}: " if error.filename else ""
        print(one_line(f"yieldbench {args.command}: {where}{error.strerror or error}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"yieldbench {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: never exit 1, which means a regression
        traceback.print_exc()
        print(
            f"yieldbench {command}: internal error (a bug in yieldbench; the traceback is above), "
            f"exit {EXIT_INTERNAL_ERROR}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
