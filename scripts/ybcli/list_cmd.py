"""`yieldbench list`: families, workloads and implementations, each with a one-line description."""
import argparse
from dataclasses import dataclass

from . import build, families, options


@dataclass(frozen=True)
class Options:
    family: tuple = ()  # empty: every family

    def __post_init__(self):
        families.check_known(list(self.family))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", default=[], metavar="F", help="list only this family")


def options_from(args: argparse.Namespace) -> Options:
    return Options(options.split_list(args.family))


def execute(opts: Options) -> int:
    build.bootstrap()
    build.build("release")
    for family, executable in families.choose(families.executables("release"), list(opts.family)).items():
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
