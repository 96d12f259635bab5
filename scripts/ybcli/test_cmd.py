"""`yieldbench test`: build, then every test: GoogleTest through ctest, then the Python tests."""
import argparse
import subprocess

from . import build, paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ctest-args", default="", metavar="ARGS",
                        help="extra arguments for ctest, e.g. \"-R Histogram\"")
    parser.add_argument("--pytest-args", default="", metavar="ARGS",
                        help="extra arguments for pytest, e.g. \"-k smoke\"")


def execute(args: argparse.Namespace) -> int:
    build.bootstrap(profiling=True)  # the tests include `yieldbench profile` under each tool
    build.build("release")
    build.say("running the C++ tests (ctest)")
    ctest = subprocess.run(["ctest", "--preset", "release", *args.ctest_args.split()], cwd=paths.REPO_ROOT)
    build.say("running the Python tests (pytest)")
    pytest = subprocess.run([paths.PYTHON, "-m", "pytest", "tests/python", "-q", "-p", "no:cacheprovider",
                             *args.pytest_args.split()], cwd=paths.REPO_ROOT)
    failed = [name for name, done in (("ctest", ctest), ("pytest", pytest)) if done.returncode != 0]
    if failed:
        build.say(f"FAILED: {' and '.join(failed)} (see above)")
        return 1
    return 0
