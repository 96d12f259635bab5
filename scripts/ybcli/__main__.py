"""yieldbench: benchmarks that make the costs of concurrency models visible.

  yieldbench run    build the suite, run it with progress, write results/<run-id>/ and a summary
  yieldbench test   build, then run every test (ctest and pytest)
  yieldbench list   families, workloads and implementations with one-line descriptions
  yieldbench compare  regression verdicts between two results files (exit 1 on a regression)
  yieldbench baseline save|show  the gate's baselines in ci/baselines/
  yieldbench ci       test, quick run, compare with the baseline; its exit status is the gate's
  yieldbench report charts, index.html and summary.md from results files (see `yieldbench report --help`)
"""
import argparse
import sys

from . import baseline_cmd, ci_cmd, compare_cmd, list_cmd, profile_cmd, run, test_cmd
from .errors import SetupError, UsageError

COMMANDS = {
    "run": (run, "build the suite, run it with progress, write results/<run-id>/results.json and a summary"),
    "test": (test_cmd, "build, then run every test: ctest (C++) and pytest (Python)"),
    "list": (list_cmd, "families, workloads and implementations, each with a one-line description"),
    "compare": (compare_cmd, "regression verdict per benchmark between two results files; exit 1 on a regression"),
    "baseline": (baseline_cmd, "save or show the results the CI gate compares against (ci/baselines/<measure>-<machine class>.json)"),
    "ci": (ci_cmd, "test, quick run, compare with the baseline, write the gate's summary.md; exit 1 on a regression"),
    "profile": (profile_cmd, "one benchmark under perf, callgrind or heaptrack: flame graph, top functions, index.html"),
}


# Commands whose arguments belong to another package: listed in --help, handed their argv whole.
DELEGATED = {
    "report": "charts, index.html and summary.md from one results file, or a comparison of several",
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="yieldbench", description=__doc__.splitlines()[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(execute=module.execute)
    for name, summary in DELEGATED.items():
        commands.add_parser(name, help=summary, add_help=False)
    return top


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "report":
        import reports  # matplotlib is imported only by commands that draw
        return reports.main(argv[1:])
    args = parser().parse_args(argv)
    try:
        return args.execute(args)
    except (UsageError, SetupError) as error:
        print(f"yieldbench {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"yieldbench {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
