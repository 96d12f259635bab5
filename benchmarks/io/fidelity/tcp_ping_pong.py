#!/usr/bin/python3
"""Fidelity check: io/echo_tcp/blocking_threads/conns:1/msg:64 against a minimal C program, in one session.

For several rounds it runs, back to back:
  c       bin/io_tcp_ping_pong N: a blocking echo thread and a blocking client on one TCP
          loopback connection, N round trips of 64 bytes, clock_gettime around each (tcp_ping_pong.c);
  ours    bin/yb_io on io/echo_tcp/blocking_threads/conns:1/msg:64 (an acceptor thread and one
          blocking worker thread per connection, the load generator's blocking client), whose
          lat_p50_ns is per request;
and prints each one's median and min of the per-round p50s, and ours against the C program's.
The load average is printed before and after: other work on the machine moves both.

Single runs land in one of two modes on small shared VMs, for both programs alike, pinned or not, so
compare medians of interleaved rounds, never one run against another (measurements:
docs/notes/fidelity.md). --cpus 0 runs both programs under `taskset -c 0`; --cpus 0,1 lets them spread.

Run from the checkout's root:
  /usr/bin/python3 -m benchmarks.io.fidelity.tcp_ping_pong [--rounds N] [--round-trips N] [--cpus LIST]
                                                         [--build build/release]
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess

from ybresults import document, names

NAME = "io/echo_tcp/blocking_threads/conns:1/msg:64"
# The same benchmark where the server's stack size became a parameter: its default (8 MiB) stack.
NAMES = (NAME, NAME + "/stack:default")
TIMEOUT_S = 120  # per run: a stuck run ends the script instead of hanging it


def c_program(executable, round_trips, pin):
    out = subprocess.run(
        pin + [str(executable), str(round_trips)], capture_output=True, text=True, check=True, timeout=TIMEOUT_S
    ).stdout
    return float(re.search(r"p50_ns=(\d+)", out).group(1))


def ours(executable, pin):
    out = subprocess.run(
        pin
        + [
            str(executable),
            f"--benchmark_filter={names.anchored(*NAMES)}",
            "--benchmark_min_time=0.05",
            "--benchmark_format=json",
            "--yb_latency_seconds=0.3",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT_S,
    ).stdout
    runs = document.parse_output(out, str(executable))["benchmarks"]
    if len(runs) != 1 or "lat_p50_ns" not in runs[0]:
        raise SystemExit(f"tcp_ping_pong: expected one {NAME} result with lat_p50_ns, got {runs}")
    return float(runs[0]["lat_p50_ns"])


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--round-trips", type=int, default=20000, help="the C program's recorded round trips")
    parser.add_argument("--cpus", default="", help="run both programs under taskset -c CPUS (default: unpinned)")
    parser.add_argument("--build", default="build/release")
    args = parser.parse_args()
    pin = ["taskset", "-c", args.cpus] if args.cpus else []
    build = pathlib.Path(args.build) / "bin"
    results = {"c": [], "ours": []}
    print(f"load average before: {load()}")
    for _ in range(args.rounds):
        results["c"].append(c_program(build / "io_tcp_ping_pong", args.round_trips, pin))
        results["ours"].append(ours(build / "yb_io", pin))
    print(f"load average after:  {load()}")
    placement = f"taskset -c {args.cpus}" if args.cpus else "unpinned"
    print(
        f"p50 ns per round trip (64 bytes, one TCP loopback connection, blocking, {placement}), "
        f"{args.rounds} rounds:"
    )
    for name, values in results.items():
        print(
            f"  {name:5s} median {statistics.median(values):8.0f}  min {min(values):8.0f}  "
            f"all {' '.join(f'{v:.0f}' for v in values)}"
        )
    difference = statistics.median(results["ours"]) / statistics.median(results["c"]) - 1
    print(f"ours vs c (medians): {difference:+.1%}")


if __name__ == "__main__":
    main()
