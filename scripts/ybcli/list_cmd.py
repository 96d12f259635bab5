"""`yieldbench list`: families, workloads and implementations, each with a one-line description, and the
workloads each implementation does not implement."""
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


def lines(family: str, description: families.Description) -> list:
    """What `list` prints for one family."""
    out = [f"{family}: {description.text}"]
    for heading, entries in (
        ("workloads", description.workloads),
        ("implementations", description.implementations),
    ):
        out.append(f"  {heading}:")
        width = max(map(len, entries), default=0)
        for name, text in entries.items():
            out.append(f"    {name.ljust(width)}  {text}")
            if heading == "implementations" and description.not_implemented.get(name):
                missing = ", ".join(description.not_implemented[name])
                out.append(f"    {''.ljust(width)}  not implemented: {missing}")
    out.append("")
    return out


def execute(opts: Options) -> int:
    build.bootstrap()
    build.build("release")
    for family, executable in families.choose(families.executables("release"), list(opts.family)).items():
        print("\n".join(lines(family, families.describe(executable))))
    return 0
