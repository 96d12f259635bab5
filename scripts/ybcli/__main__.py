"""yieldbench: benchmarks that make the costs of concurrency models visible.

  yieldbench run    build the suite, run it with progress, write results/<run-id>/ and a summary
  yieldbench test   build, then run every test (ctest and pytest)
  yieldbench list   families, workloads and implementations with one-line descriptions
"""
import argparse
import sys

from . import list_cmd, run, test_cmd
from .errors import SetupError, UsageError

COMMANDS = {
    "run": (run, "build the suite, run it with progress, write results/<run-id>/results.json and a summary"),
    "test": (test_cmd, "build, then run every test: ctest (C++) and pytest (Python)"),
    "list": (list_cmd, "families, workloads and implementations, each with a one-line description"),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="yieldbench", description=__doc__.splitlines()[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(execute=module.execute)
    return top


def main(argv=None) -> int:
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
