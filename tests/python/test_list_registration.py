"""`yieldbench list` and the family executables' --yb_list: every registered implementation is described, and
the workloads an implementation does not implement are listed as such."""
import pathlib
import stat
import subprocess

from ybcli import families, list_cmd

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

LISTING = "\n".join(
    [
        "family\tio\tblocking vs non-blocking I/O",
        "workload\tio/echo_tcp\tC TCP connections",
        "workload\tio/file_read\tevery 4 KiB block",
        "implementation\tio/epoll\tone thread, epoll",
        "implementation\tio/pread\tone blocking pread per block",
        "not_implemented\tio/file_read/epoll",
        "not_implemented\tio/echo_tcp/pread",
    ]
)


def fake_family(tmp_path: pathlib.Path, listing: str) -> pathlib.Path:
    (tmp_path / "listing.txt").write_text(listing + "\n")
    executable = tmp_path / "yb_io"
    executable.write_text(f"#!/bin/sh\ncat '{tmp_path / 'listing.txt'}'\n")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    return executable


def test_describe_reads_not_implemented_lines(tmp_path):
    description = families.describe(fake_family(tmp_path, LISTING))
    assert description.text == "blocking vs non-blocking I/O"
    assert list(description.workloads) == ["echo_tcp", "file_read"]
    assert list(description.implementations) == ["epoll", "pread"]
    assert description.not_implemented == {"epoll": ["file_read"], "pread": ["echo_tcp"]}


def test_list_shows_what_an_implementation_does_not_implement(tmp_path):
    out = list_cmd.lines("io", families.describe(fake_family(tmp_path, LISTING)))
    assert out[0] == "io: blocking vs non-blocking I/O"
    epoll = out.index("    epoll  one thread, epoll")
    assert out[epoll + 1] == "           not implemented: file_read"
    assert "           not implemented: echo_tcp" in out


def test_a_listing_without_not_implemented_lines_still_reads(tmp_path):
    listing = "\n".join(LISTING.splitlines()[:5])
    description = families.describe(fake_family(tmp_path, listing))
    assert description.not_implemented == {}
    assert not any("not implemented" in line for line in list_cmd.lines("io", description))


def test_yieldbench_list_names_what_io_implementations_do_not_implement():
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "yieldbench"), "list", "--family", "io"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    pread = next(i for i, line in enumerate(out) if line.strip().startswith("pread "))
    assert out[pread + 1].strip() == "not implemented: echo_tcp, echo_unix, pipe_ping_pong"
    epoll = next(i for i, line in enumerate(out) if line.strip().startswith("epoll "))
    assert out[epoll + 1].strip() == "not implemented: file_read"
