#!/usr/bin/python3
"""Fidelity check: parallelism/ping_pong/pipe against `perf bench sched pipe`, in one session.

For each placement it runs, back to back and for several rounds:
  perf      `taskset -c 0 perf bench sched pipe [-T]` (same_cpu), the same with the second task
            re-pinned to CPU 1 right after it starts (cross_cpu; perf bench has no option for
            it), and plain `perf bench sched pipe [-T]` (unpinned);
  ours      bin/yb_parallelism --benchmark_filter=ping_pong/pipe/worker:<kind>/placement:<p>;
  ours, no perf events
            the same with perf_event_open failing (a seccomp filter), so the harness falls back
            to getrusage: shows what the inherited perf software events, open during the timed
            loop, add to every context switch of the benchmark thread.
and prints min and median microseconds per round trip of each.

usage: perf_bench_pipe.py [--rounds N] [--only SUBSTRING] [--build build/release]
"""
import argparse
import ctypes
import json
import os
import pathlib
import re
import statistics
import subprocess
import time

LOOPS = "100000"


def block_perf_event_open():
    """preexec_fn: perf_event_open fails with ENOSYS in the child (and what it execs)."""
    nr_perf_event_open, enosys = 298, 38  # x86-64
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
    # BPF: load seccomp_data.nr (offset 0); if == perf_event_open return ERRNO(ENOSYS) else ALLOW.
    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    code = (Filter * 4)(Filter(0x20, 0, 0, 0), Filter(0x15, 0, 1, nr_perf_event_open),
                        Filter(0x06, 0, 0, SECCOMP_RET_ERRNO | enosys), Filter(0x06, 0, 0, SECCOMP_RET_ALLOW))
    program = Program(4, code)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp")


def perf_bench(threaded, placement):
    command = ["perf", "bench", "sched", "pipe", "-l", LOOPS] + (["-T"] if threaded else [])
    if placement != "unpinned":
        command = ["taskset", "-c", "0"] + command
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if placement == "cross_cpu":
        time.sleep(0.02)
        pids = sorted(int(p) for p in subprocess.run(["pgrep", "-x", "sched-pipe"], capture_output=True,
                                                     text=True).stdout.split())
        if threaded:  # two worker threads in one process: move the last one
            target = sorted(int(t) for t in os.listdir(f"/proc/{pids[0]}/task"))[-1]
        else:         # perf and its forked child: move the child
            target = pids[-1]
        subprocess.run(["taskset", "-p", "-c", "1", str(target)], capture_output=True, check=True)
    out = run.communicate()[0]
    return float(re.search(r"([\d.]+) usecs/op", out).group(1))


def ours(executable, threaded, placement, perf_events=True):
    name = f"ping_pong/pipe/worker:{'thread' if threaded else 'process'}/placement:{placement}"
    out = subprocess.run([str(executable), f"--benchmark_filter={name}", "--benchmark_min_time=0.15",
                          "--benchmark_format=json", "--yb_latency_seconds=0.02"],
                         capture_output=True, text=True, check=True,
                         preexec_fn=None if perf_events else block_perf_event_open).stdout
    return json.loads(out)["benchmarks"][0]["real_time"] / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--only", default="", help="run only configurations containing this text")
    parser.add_argument("--build", default="build/release")
    args = parser.parse_args()
    executable = pathlib.Path(args.build) / "bin" / "yb_parallelism"
    configs = [(threaded, placement) for threaded in (False, True)
               for placement in ("same_cpu", "cross_cpu", "unpinned")]
    configs = [c for c in configs if args.only in f"{'thread' if c[0] else 'process'} {c[1]}"]
    results = {c: {"perf": [], "ours": [], "ours_no_perf_events": []} for c in configs}
    for _ in range(args.rounds):
        for threaded, placement in configs:
            row = results[(threaded, placement)]
            row["perf"].append(perf_bench(threaded, placement))
            row["ours"].append(ours(executable, threaded, placement))
            row["ours_no_perf_events"].append(ours(executable, threaded, placement, perf_events=False))
    print(f"us per round trip, {args.rounds} rounds: min / median")
    for (threaded, placement), row in results.items():
        cells = "  ".join(f"{k} {min(v):6.2f} / {statistics.median(v):6.2f}" for k, v in row.items())
        print(f"{'thread' if threaded else 'process':7s} {placement:9s}  {cells}")


if __name__ == "__main__":
    main()
