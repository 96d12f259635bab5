"""The progress channel between a family executable and `yieldbench run`: one line per event on stdout,

  YB_PROGRESS <tab> name <tab> running        before each call of a benchmark
  YB_PROGRESS <tab> name <tab> ok|skipped: why|error message   once it is done

(harness/reporters.cpp writes them for the C++ families, benchmarks/python/yb_python.py for the python track)."""
from dataclasses import dataclass

TAG = "YB_PROGRESS"
RUNNING = "running"
OK = "ok"
SKIPPED = "skipped: "  # yb::skip()'s prefix: the benchmark cannot run on this machine; not a failure


@dataclass(frozen=True)
class Event:
    name: str
    status: str

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def skipped(self) -> bool:
        return self.status.startswith(SKIPPED)

    @property
    def failed(self) -> bool:
        return not (self.running or self.ok or self.skipped)


def parse_line(line: str):
    """The Event a line carries, or None for any other line."""
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != 3 or fields[0] != TAG:
        return None
    return Event(fields[1], fields[2])


def parse(text: str) -> list:
    """Every Event in `text`, in order."""
    return [event for event in map(parse_line, text.splitlines()) if event is not None]


def line(name: str, status: str) -> str:
    """One progress line (without its newline); a status is kept to one line."""
    return f"{TAG}\t{name}\t{' '.join(status.split())}"
