"""A soak: the full profile on one benchmark of one family, twice in a row in this process (the typed
`run.execute`, as `ci` calls it). The supervisor must not grow between the two runs: the same open
descriptors, the same threads, and resident memory within a small tolerance.

The tolerance: the first run pays for every import (the report's matplotlib among them) and fills the
caches that live for the process (matplotlib's font cache, the interpreter's free lists and arenas), so
the comparison is between the end of the first run and the end of the second. What is left is the
allocator's noise: CPython keeps freed arenas and pymalloc pools for reuse, which moves VmRSS by a few
hundred KiB from one run to the next without anything leaking. A leak worth caring about (a pipe buffer
or a results document kept per run, a figure not closed) is larger than the 4 MiB allowed here."""
import gc
import os
import pathlib

from ybcli import run

BENCHMARK = "generators/sum_plus_one/callback/n:100000"
RSS_TOLERANCE_KIB = 4096


def census():
    gc.collect()
    status = dict(
        line.split(":", 1) for line in pathlib.Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return {
        "fds": sorted(os.listdir("/proc/self/fd")),
        "threads": int(status["Threads"]),
        "rss_kib": int(status["VmRSS"].split()[0]),
    }


def test_repeated_full_runs_in_one_process_leave_the_supervisor_as_it_was(tmp_path, capsys):
    options = run.Options(family=("generators",), filter=BENCHMARK, profile="full", out=tmp_path / "results")
    counts = []
    # Three runs, the last two compared: from the second run on the report draws the history's trend charts in
    # this process, and matplotlib keeps what it loads for them (fonts, caches: ~13 MiB once, then flat).
    for _ in range(3):
        assert run.execute(options) == 0, capsys.readouterr().err[-3000:]
        counts.append(census())
    _, first, second = counts
    assert second["fds"] == first["fds"]
    assert second["threads"] == first["threads"]
    assert second["rss_kib"] - first["rss_kib"] <= RSS_TOLERANCE_KIB, counts
    runs = [path for path in (tmp_path / "results").iterdir() if path.is_dir() and not path.is_symlink()]
    assert len(runs) == 3
