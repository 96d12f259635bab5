"""No orphans: when `yieldbench run` dies by SIGKILL (what a CI timeout does), every benchmark process and
everything it started is gone within seconds (harness/supervision.h). Each family is run for real, the
supervisor is killed while a benchmark runs, and every process of the run is checked for."""
import os
import pathlib
import signal
import subprocess
import time

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")


def _stat(pid):
    """(state, parent pid, process group) of `pid`, or None once it is gone."""
    try:
        text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def _alive(pid) -> bool:
    """A zombie has ended; only its parent's wait is missing (init's, for an orphan)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _cmdline(pid) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _mentioning(text):
    found = set()
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _descendants(root):
    """Every live process under `root`, by parent links, and every process in the groups of those."""
    parents, groups = {}, {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None and stat[0] not in ("Z", "X"):
            parents[int(entry.name)] = stat[1]
            groups[int(entry.name)] = stat[2]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    wanted_groups = {groups[pid] for pid in found if pid in groups} - {os.getpgrp()}
    return found | {pid for pid, group in groups.items() if group in wanted_groups}


def _is_family_executable(pid, family) -> bool:
    """bin/yb_<family>, or the interpreter the python track's launcher execs into (its script is argv[1])."""
    argv = _cmdline(pid).split("\0")
    return argv[0].endswith(f"/bin/yb_{family}") or (len(argv) > 1 and argv[1].endswith(f"/yb_{family}.py"))


@pytest.mark.parametrize("family", ["coroutines", "generators", "io", "parallelism", "python"])
def test_sigkill_of_the_supervisor_leaves_no_benchmark_process(tmp_path, family):
    out = tmp_path / f"orphans-{family}"
    with open(tmp_path / "output.log", "w") as log:
        supervisor = subprocess.Popen(
            [YIELDBENCH, "run", "--family", family, "--profile", "smoke", "--out", str(out)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
        )
    recorded = set()
    try:
        # Wait for the family executable (after the build), then for a process it started (workers, servers,
        # clients) if one shows within a few seconds, so the kill lands while a benchmark runs with its children.
        deadline, started, executable = time.monotonic() + 900, None, None
        while time.monotonic() < deadline and supervisor.poll() is None:
            if executable is None:
                executable = next(
                    (
                        pid
                        for pid in _descendants(supervisor.pid)
                        if _is_family_executable(pid, family) and str(out) in _cmdline(pid)
                    ),
                    None,
                )
                started = time.monotonic() if executable else None
            if executable is not None:
                recorded |= {executable} | _descendants(executable)
                children = [pid for pid in recorded if (_stat(pid) or (0, 0, 0))[1] in recorded]
                if children or time.monotonic() - started > 5:
                    break
            time.sleep(0.05)
        log_tail = (tmp_path / "output.log").read_text()[-2000:]
        assert supervisor.poll() is None and executable is not None, f"the run ended before the kill: {log_tail}"
        recorded |= _descendants(executable) | _mentioning(str(out))
        recorded.discard(supervisor.pid)
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait()
        deadline = time.monotonic() + 5
        left = set()
        while time.monotonic() < deadline:
            left = {pid for pid in recorded | _mentioning(str(out)) if _alive(pid)}
            if not left:
                break
            time.sleep(0.1)
        assert left == set(), {pid: _cmdline(pid) for pid in left}
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
        for pid in recorded:  # only what this test started and recorded
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
