"""Puts the repository root on sys.path so tests import `reports` and `scripts.ybcli` as a user would run them."""
import pathlib
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
