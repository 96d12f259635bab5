"""Where a sandbox denies io_uring and unshare (Docker's default seccomp profile, gVisor), the io family's
benchmarks and tests that need them skip with the reason; nothing fails. The denial is a real seccomp filter
loaded into the child before it starts (Debian python3-seccomp, libseccomp), not a mocked flag."""
import errno
import os
import pathlib
import resource
import subprocess

import pytest

import ybresults

seccomp = pytest.importorskip("seccomp", reason="python3-seccomp (Debian) is not installed")

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")
IO_TESTS = REPO_ROOT / "build" / "release" / "bin" / "io_tests"
DENIED = ("io_uring_setup", "io_uring_enter", "io_uring_register", "unshare")
# Both ends of 10,000 connections cannot share one table under this hard limit: the load generator needs a
# descriptor table of its own, which takes unshare(CLONE_FILES).
DESCRIPTOR_LIMIT = 12000


def deny_like_docker():
    """Runs in the child between fork and exec: what Docker's default profile does to these calls."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTOR_LIMIT, DESCRIPTOR_LIMIT))
    sandbox = seccomp.SyscallFilter(seccomp.ALLOW)
    for call in DENIED:
        sandbox.add_rule(seccomp.ERRNO(errno.EPERM), call)
    sandbox.load()


def sandboxed(*command, timeout=900):
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        preexec_fn=deny_like_docker,
        env=dict(os.environ),
    )


def test_the_filter_denies_what_it_should():
    done = sandboxed("/usr/bin/unshare", "--user", "true")
    assert done.returncode != 0 and "Operation not permitted" in done.stderr, done


@pytest.mark.skipif(not IO_TESTS.exists(), reason="build the release preset first (yieldbench test does)")
def test_the_io_tests_skip_what_is_denied_and_pass_the_rest():
    done = sandboxed(IO_TESTS, "--gtest_brief=0")
    assert done.returncode == 0, done.stdout[-4000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("[  SKIPPED ]") and " ms)" in line]
    assert any("io_uring_each" in line for line in skipped) and any("FdTableThread." in line for line in skipped)
    assert "io_uring_setup: Operation not permitted (denied here" in done.stdout
    assert "unshare(CLONE_FILES): Operation not permitted (denied here" in done.stdout
    assert "[  PASSED  ]" in done.stdout


def test_a_run_skips_the_benchmarks_that_need_what_is_denied(tmp_path):
    needs_io_uring = [
        "io/echo_tcp/io_uring/conns:1/msg:64/submit:each",
        "io/pipe_ping_pong/io_uring/n:1000",
        "io/file_read/io_uring/order:seq/size_mib:256/qd:1",
    ]
    needs_a_second_table = "io/echo_tcp/epoll/conns:10000/msg:64/trigger:level"
    runs_anyway = "io/pipe_ping_pong/epoll/n:1000"
    selected = "|".join(needs_io_uring + [needs_a_second_table, runs_anyway])
    # The full profile, as few samples as it takes: conns:10000 is its own (smoke and quick leave it out).
    done = sandboxed(
        YIELDBENCH,
        "run",
        "--profile",
        "full",
        "--repetitions",
        "2",
        "--family",
        "io",
        "--filter",
        f"^({selected})(/|$)",
        "--out",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = ybresults.load(tmp_path / "latest" / "results.json")
    for name in needs_io_uring:
        bench = results.benchmarks[name]
        assert bench.skipped and "io_uring_setup: Operation not permitted" in bench.error, (name, bench.error)
    second = results.benchmarks[needs_a_second_table]
    assert second.skipped and "unshare(CLONE_FILES): Operation not permitted" in second.error, second.error
    assert not results.benchmarks[runs_anyway].failed and results.benchmarks[runs_anyway].samples("time_ns")
