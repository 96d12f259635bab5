"""Where things are: the checkout, its build trees and its results."""
import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = REPO_ROOT / "scripts"
RESULTS = REPO_ROOT / "results"
PYTHON = "/usr/bin/python3"  # Debian's interpreter: the one that sees python3-matplotlib and friends


def build_dir(preset: str) -> pathlib.Path:
    return REPO_ROOT / "build" / preset


def bin_dir(preset: str) -> pathlib.Path:
    return build_dir(preset) / "bin"


def shown(path) -> str:
    """`path` as users read it: relative to the current folder when it is below it."""
    path = pathlib.Path(path)
    try:
        return str(path.resolve().relative_to(pathlib.Path.cwd()))
    except (ValueError, OSError):
        return str(path)
