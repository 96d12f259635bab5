"""`yieldbench list`: families, workloads and implementations, each with a one-line description."""
import argparse

from . import build, families


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", default=[], metavar="F", help="list only this family")


def execute(args: argparse.Namespace) -> int:
    wanted = [name for value in args.family for name in value.split(",") if name]
    families.check_known(wanted)
    build.bootstrap()
    build.build("release")
    for family, executable in families.choose(families.executables("release"), wanted).items():
        description = families.describe(executable)
        print(f"{family}: {description.text}")
        for heading, entries in (
            ("workloads", description.workloads),
            ("implementations", description.implementations),
        ):
            print(f"  {heading}:")
            width = max(map(len, entries), default=0)
            for name, text in entries.items():
                print(f"    {name.ljust(width)}  {text}")
        print()
    return 0
