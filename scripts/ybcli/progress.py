"""The run's progress on the terminal: one line per finished benchmark, its status, seconds since the start."""
import time

from ybresults import progress


class Progress:
    def __init__(self, total: int):
        self.total, self.done, self.errors, self.skipped = total, 0, 0, 0
        self.seen = set()  # a family restarted after a failure may report a benchmark again
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def finished(self, name: str, status: str) -> None:
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
        print(f"[{self.done:>{width}}/{self.total}] {self.elapsed():7.1f}s  {name}{shown}", flush=True)
