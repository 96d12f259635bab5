"""How busy the machine is with work that is not ours, before and during a run.

The measure is CPU time: /proc/stat's busy time of all CPUs (steal included: on a VM that is other guests)
less the CPU time of this process and its reaped children (the benchmarks), over wall time, in CPUs. The load
average counts our own benchmark and lags by a minute, so it is only shown beside it."""
import os
import time
from dataclasses import dataclass

# Others' work above this many CPUs on average makes a run `busy`: half a CPU taken from the benchmarks (or
# from the core their threads share with it) moves their times by more than the noise limit.
BUSY_CPUS = 0.5
STAT = "/proc/stat"
LOADAVG = "/proc/loadavg"


def read_stat(path: str = STAT) -> float:
    """Seconds of busy CPU time of all CPUs since boot (user nice system irq softirq steal)."""
    with open(path) as file:
        fields = file.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def read_loadavg(path: str = LOADAVG) -> float:
    """The one-minute load average, or None where /proc/loadavg cannot be read."""
    try:
        with open(path) as file:
            return float(file.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def our_cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have been reaped (the benchmark processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass
class Reading:
    others_cpus: float  # CPUs busy with work not ours, on average over the interval
    loadavg: float  # the one-minute load average at its end (None: unknown)

    @property
    def busy(self) -> bool:
        return self.others_cpus >= BUSY_CPUS

    def describe(self) -> str:
        shown = f"others use {self.others_cpus:.2f} CPUs"
        return shown + (f", load average {self.loadavg:.2f}" if self.loadavg is not None else "")


class Meter:
    """Others' CPU use since the last `reading()` (or since it was made). The readers are parameters so a
    test can give it a machine of its own."""

    def __init__(self, stat=read_stat, ours=our_cpu_seconds, loadavg=read_loadavg, clock=time.monotonic):
        self._stat, self._ours, self._loadavg, self._clock = stat, ours, loadavg, clock
        self._mark()

    def _mark(self) -> None:
        self._busy, self._our, self._at = self._stat(), self._ours(), self._clock()

    def reading(self) -> Reading:
        busy, our, at = self._stat(), self._ours(), self._clock()
        wall = max(at - self._at, 1e-6)
        others = max(0.0, (busy - self._busy) - (our - self._our)) / wall
        self._busy, self._our, self._at = busy, our, at
        return Reading(others, self._loadavg())


def wait_for_quiet(meter: Meter, wait_seconds: float, say, interval: float = 1.0, sleep=time.sleep) -> Reading:
    """Measures `interval` seconds; while the machine is busy, waits up to `wait_seconds` more for it to calm
    down, saying so once. Returns the last reading: busy when it never calmed down."""
    meter.reading()
    sleep(interval)
    reading = meter.reading()
    if not reading.busy:
        return reading
    say(f"the machine is busy ({reading.describe()}); waiting up to {wait_seconds:g} s for it to calm down")
    waited = 0.0
    while reading.busy and waited < wait_seconds:
        sleep(interval)
        waited += interval
        reading = meter.reading()
    say(
        f"the machine is quiet after {waited:g} s ({reading.describe()})"
        if not reading.busy
        else f"still busy after {waited:g} s ({reading.describe()}): going on, the run is marked busy"
    )
    return reading


def parse_cpus(text: str) -> frozenset:
    """'0,2-3' -> {0, 2, 3}; ValueError naming what is wrong, or CPUs this process may not use."""
    chosen = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"'{text}' is not a CPU list like 0,2-3")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"'{part}' counts down")
        chosen.update(range(low, high + 1))
    allowed = os.sched_getaffinity(0)
    if not chosen <= allowed:
        raise ValueError(
            f"CPU(s) {','.join(map(str, sorted(chosen - allowed)))} not available "
            f"(this process may use {','.join(map(str, sorted(allowed)))})"
        )
    return frozenset(chosen)


BUSY_WARNING = "the machine was busy with other work during this run: its numbers are not to be trusted"


def summary(before: Reading, during: list) -> dict:
    """The results context's record: yb_busy, and yb_load with the reading before the run and the busiest
    one during it (each process of each family is one)."""
    worst = max([before, *during], key=lambda reading: reading.others_cpus)
    return {
        "yb_busy": any(reading.busy for reading in (before, *during)),
        "yb_load": {
            "busy_cpus": BUSY_CPUS,
            "before_others_cpus": round(before.others_cpus, 3),
            "before_loadavg": before.loadavg,
            "during_max_others_cpus": round(max((r.others_cpus for r in during), default=0.0), 3),
            "worst": worst.describe(),
        },
    }
