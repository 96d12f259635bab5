"""Puts the repository root and scripts/ on sys.path, as scripts/yieldbench does, so tests import
`reports` and `ybcli` the way the command runs them."""
import pathlib
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
for path in (REPO_ROOT, REPO_ROOT / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
