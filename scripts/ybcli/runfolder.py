"""A run's folder under the results root: made before a run starts, `latest` repointed when it is whole."""
import contextlib
import fcntl
import os
import pathlib
import shlex
import sys
import tempfile
import time

import ybresults

from .errors import UsageError


def check_results_root(root: pathlib.Path, option: str = "--out") -> None:
    """UsageError unless run folders can be made under `root`: said before building and running, not after."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{option} {root}: is a file, not a results folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=".yb-probe-", dir=root)
    except OSError as error:
        raise UsageError(f"{option} {root}: cannot create a run folder there ({error.strerror})") from None
    os.rmdir(probe)


def new_run_dir(results_root: pathlib.Path, profile: str):
    """(run id, folder): `<UTC date>-<time>-<profile>`, with a counter when that folder exists already."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for attempt in range(1, 100):
        run_id = f"{stamp}-{profile}" + ("" if attempt == 1 else f"-{attempt}")
        run_dir = results_root / run_id
        try:
            run_dir.mkdir(parents=True)
            return run_id, run_dir
        except FileExistsError:
            continue
        except OSError as error:
            raise UsageError(f"cannot create the results folder {run_dir}: {error.strerror}") from None
    raise UsageError(f"cannot find a free run folder name under {results_root}")


@contextlib.contextmanager
def _latest_lock(results_root: pathlib.Path):
    """Held while a run writes its results and repoints `latest`, so two runs into one results folder finish
    one after the other: `latest` ends at the run whose results were written last."""
    with open(results_root / ".latest.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def point_latest(results_root: pathlib.Path, run_dir: pathlib.Path) -> None:
    """Atomically repoints results_root/latest at run_dir (a relative symlink)."""
    with _latest_lock(results_root):
        _repoint(results_root, run_dir)


def publish(results_root: pathlib.Path, run_dir: pathlib.Path, document: dict) -> pathlib.Path:
    """Writes run_dir/results.json (atomically) and repoints `latest` at it, as one step against other runs.
    A write that fails (a full disk) raises OSError naming the file and leaves `latest` where it was."""
    written = run_dir / "results.json"
    with _latest_lock(results_root):
        ybresults.write(written, document)
        _repoint(results_root, run_dir)
    return written


def _repoint(results_root: pathlib.Path, run_dir: pathlib.Path) -> None:
    link = results_root / "latest"
    temporary = results_root / f".latest.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(run_dir, results_root))
    os.replace(temporary, link)


def command_line() -> str:
    """The command that made the run, as a shell would take it again."""
    return "yieldbench " + " ".join(shlex.quote(arg) for arg in sys.argv[1:])
