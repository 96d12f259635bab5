#!/usr/bin/python3
"""Fidelity check: parallelism/ping_pong/pipe against `perf bench sched pipe`, in one session.

For each placement it runs, back to back and for several rounds:
  perf      `taskset -c 0 perf bench sched pipe [-T]` (same_cpu), the same with the second task
            re-pinned to CPU 1 right after it starts (cross_cpu; perf bench has no option for
            it), and plain `perf bench sched pipe [-T]` (unpinned);
  ours      bin/yb_parallelism --benchmark_filter=ping_pong/pipe/worker:<kind>/placement:<p>;
  ours, no perf events (--without-perf-events)
            the same with perf_event_open failing (a seccomp filter), so the harness falls back
            to getrusage: shows what perf software events would add to every context switch.
and prints min and median microseconds per round trip of each (wall clock, as each reports it).

--paired: same_cpu only, a measure that survives a loaded machine. Wall time on a CPU that other
people's compiles share says more about them than about the round trip. Instead both programs
run at once for the whole check, each long enough, and take turns: one runs while the other is
stopped (SIGSTOP/SIGCONT), a short window each, many rounds, so both see the same load. Each
window gives the CPU time both tasks of the pair spent (schedstat), divided by the round trips
(half their context switches): on an otherwise idle CPU that is the wall time per round trip.
It prints min and median, and the median of the per-round ratio ours / perf bench.

Run from the checkout's root (results in docs/notes/fidelity.md):
  /usr/bin/python3 -m benchmarks.parallelism.fidelity.perf_bench_pipe [--rounds N] [--only SUBSTRING]
                                                                     [--build build/release] [--without-perf-events]
  /usr/bin/python3 -m benchmarks.parallelism.fidelity.perf_bench_pipe --paired [--rounds 80] [--window 0.04]
                                                                     [--only thread|process]
"""
import argparse
import ctypes
import os
import pathlib
import re
import signal
import statistics
import subprocess
import time

from ybresults import document

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

    code = (Filter * 4)(
        Filter(0x20, 0, 0, 0),
        Filter(0x15, 0, 1, nr_perf_event_open),
        Filter(0x06, 0, 0, SECCOMP_RET_ERRNO | enosys),
        Filter(0x06, 0, 0, SECCOMP_RET_ALLOW),
    )
    program = Program(4, code)
    libc = ctypes.CDLL(None, use_errno=True)
    if (
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        or libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0
    ):
        raise OSError(ctypes.get_errno(), "seccomp")


def perf_bench(threaded, placement):
    command = ["perf", "bench", "sched", "pipe", "-l", LOOPS] + (["-T"] if threaded else [])
    if placement != "unpinned":
        command = ["taskset", "-c", "0"] + command
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if placement == "cross_cpu":
        # taskset execs perf, so run.pid is perf: move its second worker to CPU 1 once it exists
        # (the last of its three threads with -T, else its forked child). Waits up to 2 s for it.
        target = None
        for _ in range(200):
            if threaded:
                tasks = sorted(int(t) for t in os.listdir(f"/proc/{run.pid}/task"))
                target = tasks[-1] if len(tasks) >= 3 else None
            else:
                target = (process_tree(run.pid)[1:] or [None])[0]
            if target is not None:
                break
            time.sleep(0.01)
        if target is None:
            run.kill()
            raise RuntimeError("perf bench's second worker did not start within 2 s")
        subprocess.run(["taskset", "-p", "-c", "1", str(target)], capture_output=True, check=True)
    out = run.communicate()[0]
    return float(re.search(r"([\d.]+) usecs/op", out).group(1))


def ours(executable, threaded, placement, perf_events=True):
    name = f"ping_pong/pipe/worker:{'thread' if threaded else 'process'}/placement:{placement}"
    out = subprocess.run(
        [
            str(executable),
            f"--benchmark_filter={name}",
            "--benchmark_min_time=0.15",
            "--benchmark_format=json",
            "--yb_latency_seconds=0.02",
        ],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=None if perf_events else block_perf_event_open,
    ).stdout
    return document.parse_output(out, str(executable))["benchmarks"][0]["real_time"] / 1000


def task_stats(pid, tid):
    """(CPU ns, context switches) of one task, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            cpu = int(f.read().split()[0])
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            status = f.read()
    except OSError:
        return None
    switches = sum(
        int(re.search(rf"\n{key}:\s+(\d+)", status).group(1))
        for key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")
    )
    return cpu, switches


def process_tree(pid):
    """pid and its children (one level: the ping-pong peer, a watchdog)."""
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return pids


def all_tasks(pids):
    tasks = []
    for pid in pids:
        try:
            tasks += [(pid, int(tid)) for tid in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            pass
    return tasks


def signal_pids(pids, number):
    for pid in pids:
        try:
            os.kill(pid, number)
        except OSError:
            pass


class PairedProgram:
    """A long-running ping-pong program whose two busiest tasks are sampled in windows."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def pids(self):
        return process_tree(self.process.pid)

    def window(self, seconds):
        """CPU us of both tasks per round trip over one window while it runs alone; None if unusable."""
        pids = self.pids()
        signal_pids(pids, signal.SIGCONT)
        try:
            time.sleep(0.01)
            tasks = all_tasks(pids)
            first = {t: task_stats(*t) for t in tasks}
            time.sleep(seconds)
            last = {t: task_stats(*t) for t in tasks}
        finally:
            signal_pids(pids, signal.SIGSTOP)
        deltas = sorted(
            ((last[t][1] - first[t][1], last[t][0] - first[t][0]) for t in tasks if first[t] and last[t]), reverse=True
        )[
            :2
        ]  # the pair: most switches
        round_trips = sum(d[0] for d in deltas) / 2
        if len(deltas) < 2 or round_trips < 500:
            return None
        return sum(d[1] for d in deltas) / round_trips / 1000

    def end(self):
        pids = self.pids()
        signal_pids(pids, signal.SIGKILL)
        signal_pids(pids, signal.SIGCONT)
        self.process.wait()


def paired(executable, threaded, rounds, seconds):
    kind = "thread" if threaded else "process"
    programs = {
        "perf": PairedProgram(
            ["taskset", "-c", "0", "perf", "bench", "sched", "pipe", "-l", "1000000000"] + (["-T"] if threaded else [])
        ),
        "ours": PairedProgram(
            [
                str(executable),
                f"--benchmark_filter=ping_pong/pipe/worker:{kind}/placement:same_cpu",
                "--benchmark_min_time=100",
                "--yb_latency_seconds=0.01",
            ]
        ),
    }
    try:
        time.sleep(2.5)  # ours: past Google Benchmark's estimate of the iterations, into the long timed loop
        for program in programs.values():
            signal_pids(program.pids(), signal.SIGSTOP)
        samples = {name: [] for name in programs}
        for round_index in range(rounds):
            order = list(programs) if round_index % 2 == 0 else list(reversed(programs))
            for name in order:
                samples[name].append(programs[name].window(seconds))
    finally:
        for program in programs.values():
            program.end()
    ratios = [o / p for o, p in zip(samples["ours"], samples["perf"]) if o and p]
    cells = "  ".join(
        f"{name} {min(v):5.2f} / {statistics.median(v):5.2f}"
        for name, v in ((n, [x for x in xs if x]) for n, xs in samples.items())
    )
    print(
        f"{kind:7s} same_cpu   {cells}   ours/perf median {statistics.median(ratios):5.3f} "
        f"({len(ratios)} paired windows)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None, help="default: 8, with --paired 80")
    parser.add_argument("--only", default="", help="run only configurations containing this text")
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--without-perf-events", action="store_true", help="also run ours with perf_event_open failing")
    parser.add_argument("--paired", action="store_true", help="same_cpu, CPU time per round trip, paired windows")
    parser.add_argument("--window", type=float, default=0.04, help="seconds of one --paired window")
    args = parser.parse_args()
    executable = pathlib.Path(args.build) / "bin" / "yb_parallelism"
    if args.paired:
        print(
            f"us of CPU (both tasks) per round trip, CPU 0, {args.rounds or 80} rounds of {args.window} s: "
            f"min / median; load {open('/proc/loadavg').read().split()[0]}"
        )
        for threaded in (False, True):
            if args.only in ("thread" if threaded else "process"):
                paired(executable, threaded, args.rounds or 80, args.window)
        return
    args.rounds = args.rounds or 8
    configs = [
        (threaded, placement) for threaded in (False, True) for placement in ("same_cpu", "cross_cpu", "unpinned")
    ]
    configs = [c for c in configs if args.only in f"{'thread' if c[0] else 'process'} {c[1]}"]
    variants = ["perf", "ours"] + (["ours_no_perf_events"] if args.without_perf_events else [])
    results = {c: {v: [] for v in variants} for c in configs}
    for _ in range(args.rounds):
        for threaded, placement in configs:
            row = results[(threaded, placement)]
            row["perf"].append(perf_bench(threaded, placement))
            row["ours"].append(ours(executable, threaded, placement))
            if args.without_perf_events:
                row["ours_no_perf_events"].append(ours(executable, threaded, placement, perf_events=False))
    print(f"us per round trip, {args.rounds} rounds: min / median; load {open('/proc/loadavg').read().split()[0]}")
    for (threaded, placement), row in results.items():
        cells = "  ".join(f"{k} {min(v):6.2f} / {statistics.median(v):6.2f}" for k, v in row.items())
        print(f"{'thread' if threaded else 'process':7s} {placement:9s}  {cells}")


if __name__ == "__main__":
    main()
