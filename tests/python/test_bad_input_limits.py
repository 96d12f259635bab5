"""A machine limit below what a benchmark needs is a skip naming the limit, never a crash or an error:
RLIMIT_NOFILE too low for an echo benchmark's connections. Runs the release yb_io, which
`scripts/yieldbench test` (what CI runs) builds before pytest."""
import json
import os
import shutil
import subprocess

import pytest

from ybcli import families, paths
from ybresults import names

YB_IO = paths.bin_dir("release") / "yb_io"
NOFILE = 64  # far below two descriptors per connection for 256 connections


def limited(command: list) -> list:
    """`command` under a hard RLIMIT_NOFILE of NOFILE. Root may raise a hard limit (CAP_SYS_RESOURCE), so
    as root the capability is dropped from the bounding and inheritable sets first: the limit then holds."""
    wrapped = ["prlimit", f"--nofile={NOFILE}:{NOFILE}"]
    if os.geteuid() == 0:
        wrapped += ["setpriv", "--inh-caps=-sys_resource", "--bounding-set=-sys_resource"]
    return wrapped + command


@pytest.fixture(scope="module")
def many_connections_benchmark() -> str:
    if not YB_IO.exists():
        pytest.skip(f"{YB_IO.relative_to(paths.REPO_ROOT)} is not built (`scripts/yieldbench test` builds it first)")
    missing = [tool for tool in ("prlimit", "setpriv") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (Debian's util-linux)")
    names = families.benchmark_names(YB_IO, "conns:256/")
    assert names, "yb_io registers no 256-connection benchmark"
    return names[0]


def test_too_few_file_descriptors_for_256_connections_is_a_skip_naming_the_limit(many_connections_benchmark, tmp_path):
    out = tmp_path / "io.json"
    done = subprocess.run(
        limited(
            [
                str(YB_IO),
                f"--benchmark_filter={names.anchored(many_connections_benchmark)}",
                "--benchmark_min_time=0.01",
                "--yb_latency_seconds=0",
                "--yb_progress",
                f"--benchmark_out={out}",
                "--benchmark_out_format=json",
            ]
        ),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    progress = [line.split("\t") for line in done.stdout.splitlines() if line.startswith("YB_PROGRESS\t")]
    assert progress and {fields[1] for fields in progress} == {many_connections_benchmark}
    status = progress[-1][2]  # the benchmark's outcome (earlier lines may say it is still running)
    assert status.startswith("skipped: conns=256"), status
    assert "RLIMIT_NOFILE" in status and str(NOFILE) in status, status
    entries = json.loads(out.read_text())["benchmarks"]
    assert entries and all(entry["error_message"] == status for entry in entries), "the results say the same"
