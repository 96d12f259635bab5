"""Dying with the supervisor, as harness/supervision.h does for the C++ families: a CI timeout's SIGKILL of
`yieldbench run` must not leave the Python track (or its process pool's workers) benchmarking.

Under the supervisor (YB_SUPERVISOR_PID and YB_SUPERVISOR_FD set), stay_with_supervisor() asks the kernel for
SIGKILL when the supervisor dies, exits if it is gone already, and starts a guardian: a grandchild detached
from this process (no wait of ours sees it) but in its process group, blocked reading the supervisor's pipe;
when the supervisor's write end closes, it SIGKILLs the group."""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _guard(pipe_fd: int, group: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in range(3):
        os.dup2(null, fd)  # the supervisor reads stdout to its end
    os.closerange(3, pipe_fd)
    os.closerange(pipe_fd + 1, 1024)
    while True:
        try:
            if not os.read(pipe_fd, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os.killpg(group, signal.SIGKILL)  # itself included
    os._exit(0)


def stay_with_supervisor() -> None:
    supervisor = os.environ.pop("YB_SUPERVISOR_PID", None)
    pipe_text = os.environ.pop("YB_SUPERVISOR_FD", None)  # not inherited by what the benchmarks start
    if supervisor is None:
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != int(supervisor):  # it died before the line above: nobody would end us
        print(f"supervisor (pid {supervisor}) is gone; not starting", file=sys.stderr)
        os._exit(3)
    try:
        pipe_fd = int(pipe_text)
        os.fstat(pipe_fd)
    except (TypeError, ValueError, OSError):
        return
    group = os.getpgrp()
    if group == os.getpid():  # only a group of our own is ours to end
        middle = os.fork()
        if middle == 0:
            if os.fork() == 0:
                _guard(pipe_fd, group)
            os._exit(0)
        os.waitpid(middle, 0)
    os.close(pipe_fd)
