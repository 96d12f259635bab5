"""The run's progress on the terminal: one line per benchmark once it has stopped sampling (its status, its
samples and why it stopped, seconds since the start, the time left), and one line as each process of a family
starts.

Time left is estimated in units of one benchmark sampled by one process: the pace so far (this family's, else
the run's, else a guess from the profile's sampling) times the units still planned. A family plans its
benchmarks for the profile's fewest processes; a benchmark that needs more adds one process at a time, so
the estimate grows when the machine is noisy."""
import time

from ybresults import progress


def duration(seconds: float) -> str:
    """'42s', '3m05s', '1h02m'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    def __init__(self, total: int, planned: dict = None, min_processes: int = 1, guess_seconds: float = 1.0):
        """`planned`: {family: number of benchmarks}, in running order; `guess_seconds`: one unit's time
        before any has been measured."""
        self.total, self.done, self.errors, self.skipped = total, 0, 0, 0
        self.seen = set()  # a family restarted after a failure may report a benchmark again
        self.started = time.monotonic()
        self.planned = dict(planned or {})
        self.min_processes, self.guess_seconds = min_processes, guess_seconds
        self.units = {family: count * min_processes for family, count in self.planned.items()}
        self.units_done = {family: 0 for family in self.planned}
        self.family_seconds = {family: 0.0 for family in self.planned}
        self.family, self.family_since, self.round_left = None, None, set()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def start_process(self, family: str, index: int, names: list, describe: str = "") -> None:
        """Process `index` (from 0) of `family` samples `names`: at least these units, and one more for each
        name per process still to come before the fewest processes."""
        self._settle()
        for known in (self.planned, self.units, self.units_done):
            known.setdefault(family, 0)  # a family not planned ahead (a caller that plans none)
        self.family_seconds.setdefault(family, 0.0)
        self.family, self.family_since, self.round_left = family, time.monotonic(), set(names)
        still_planned = len(names) * max(self.min_processes - index, 1)
        self.units[family] = self.units_done.get(family, 0) + still_planned
        family_left, run_left = self.left()
        print(
            f"{family}: process {index + 1}{describe}, {len(names)} benchmark(s) sampling, "
            f"~{duration(family_left)} left in the family, ~{duration(run_left)} in the run",
            flush=True,
        )

    def sampled(self, name: str, status: str) -> None:
        """A call of `name` in the current process has ended (the supervisor's events)."""
        if status != progress.RUNNING and name in self.round_left:
            self.round_left.discard(name)
            self.units_done[self.family] = self.units_done.get(self.family, 0) + 1

    def left(self) -> tuple:
        """(seconds left in the current family, seconds left in the run), estimated."""
        overall_units = sum(self.units_done.values())
        overall_seconds = sum(self.family_seconds.values()) + self._current_seconds()
        overall_pace = overall_seconds / overall_units if overall_units else self.guess_seconds
        family_left, run_left, after_current = 0.0, 0.0, self.family is None
        for family in self.planned:
            units_left = max(self.units[family] - self.units_done[family], 0)
            done = self.units_done[family]
            seconds = self.family_seconds[family] + (self._current_seconds() if family == self.family else 0.0)
            pace = seconds / done if done else overall_pace
            if family == self.family:
                family_left = units_left * pace
                after_current = True
                run_left += family_left
            elif after_current:
                run_left += units_left * pace
        return family_left, run_left

    def finished(self, name: str, status: str, note: str = "") -> None:
        """`name` has stopped sampling: its line, once."""
        if name in self.seen:
            return
        self.seen.add(name)
        self.done += 1
        if status.startswith(progress.SKIPPED):
            self.skipped += 1
            shown = f"  SKIPPED: {status[len(progress.SKIPPED):]}"
        elif status != progress.OK:
            self.errors += 1
            shown = f"  ERROR: {status}"
        else:
            shown = ""
        width = len(str(self.total))
        note = f"  {note}" if note else ""
        timing = ""
        if self.planned:
            family_left, run_left = self.left()
            timing = f"  ~{duration(run_left)} left ({self.family or 'family'} ~{duration(family_left)})"
        print(f"[{self.done:>{width}}/{self.total}] {self.elapsed():7.1f}s  {name}{shown}{note}{timing}", flush=True)

    def _current_seconds(self) -> float:
        return time.monotonic() - self.family_since if self.family_since is not None else 0.0

    def _settle(self) -> None:
        if self.family is not None:
            self.family_seconds[self.family] += self._current_seconds()
            self.family_since = None
