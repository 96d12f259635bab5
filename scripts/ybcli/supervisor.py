"""Runs one family executable under a watchdog, so one benchmark's hang or crash costs only that benchmark.

The executable prints `YB_PROGRESS <tab> name <tab> running` before each call of a benchmark and
`YB_PROGRESS <tab> name <tab> ok|error` when it is done (harness/reporters.h). The supervisor adds up the
time of each benchmark's calls; a benchmark past its budget is ended with the executable's whole process
group (its workers and children included). When the executable dies inside a benchmark (watchdog, signal,
exit status), that benchmark is recorded as failed with the reason and the executable is started again
on the benchmarks not yet done, so the family's other results are kept.

Each executable is told this process's pid and given the read end of a pipe whose write end only this
process holds: it dies with this process, and so does everything it started (harness/supervision.h).
Its stderr, and any stdout line that is not a progress line, go to the family's log, bounded (BoundedLog).

Result files are flushed after every benchmark, so a killed executable's file holds every finished one;
`ybresults.read_partial` recovers them from the unterminated JSON.
"""
import os
import pathlib
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field

import ybresults
from ybresults import names, progress

from . import paths
from .errors import SetupError


class Interrupted(Exception):
    """Ctrl-C or SIGTERM arrived while a family ran; its finished benchmarks are in the FamilyRun."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


@dataclass
class FamilyRun:
    """What one family produced: Google Benchmark documents (one per start of its executable) and failures."""

    family: str
    documents: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    cpus: frozenset = None  # the CPUs its processes may use (--cpus); None: this process's own
    seconds: dict = field(default_factory=dict)  # seconds of calls per benchmark, over every start

    def output(self):
        """One Google Benchmark document for the family, or None when nothing was written."""
        if not self.documents:
            return None
        merged = dict(self.documents[0])
        merged["benchmarks"] = [entry for document in self.documents for entry in document.get("benchmarks", [])]
        merged["benchmarks"] += [failure_entry(failure) for failure in self.failures if "benchmark" in failure]
        return merged

    def run(
        self,
        executable: pathlib.Path,
        planned: list,
        arguments: list,
        budget_seconds: float,
        run_dir: pathlib.Path,
        shown,
        environment: dict = None,
    ) -> None:
        """Runs `planned` (names as results show them) to the end, restarting after each benchmark that fails.
        Interrupted (Ctrl-C, SIGTERM) propagates; what finished before it is kept in `documents`.
        `environment` adds variables for the executable (an A/B run's failpoints on one side). A run may be called
        again with other names and arguments (another process of an adaptive run); `documents`, `failures` and
        `seconds` add up."""
        remaining = list(planned)
        first = len(self.documents)  # what earlier calls wrote is not done in this one
        log = run_dir / f"{self.family}.stderr.log"
        attempt = 0
        with BoundedLog(log, append=log.exists()) as stderr:
            while remaining:
                attempt += 1
                raw = run_dir / f".{self.family}.{attempt}.gb.json"
                selection = names.anchored(*remaining)
                command = [
                    str(executable),
                    f"--benchmark_filter={selection}",
                    f"--benchmark_out={raw}",
                    "--benchmark_out_format=json",
                    "--yb_progress",
                    *arguments,
                ]
                try:
                    status, culprit, timed_out = _supervise(
                        command, stderr, budget_seconds, shown, environment, self.cpus, self.seconds
                    )
                finally:
                    document = ybresults.read_partial(raw)
                    raw.unlink(missing_ok=True)
                    if document is not None:
                        self.documents.append(document)
                if status == -signal.SIGXFSZ:  # not the benchmark's fault: the machine's file size limit
                    raise SetupError(
                        f"{raw}: {executable.name} was killed by SIGXFSZ writing its results "
                        "(a file size limit reached)"
                    )
                if status == 0:
                    if document is None or (document.get("context") or {}).get("truncated"):
                        # It finished, yet its file is cut short: the disk is full (or a file size limit hit),
                        # and the run's own results would be next. Said as one line, before anything is lost.
                        raise SetupError(
                            f"{raw}: {executable.name} finished but its results file is cut short "
                            "(is the disk full, or a file size limit reached?)"
                        )
                    break
                ended = f"{executable.name} {_ended_how(status)}"
                if culprit is None:
                    reason = (
                        "timed out: no progress for the budget of one benchmark, ended by the watchdog"
                        if timed_out
                        else f"{ended} outside any benchmark"
                    )
                    self.failures.append({"family": self.family, "reason": reason, "log": log.name})
                    break
                reason = (
                    f"timed out: over the {budget_seconds:g} s budget of one benchmark, ended by the watchdog"
                    if timed_out
                    else f"{ended} during this benchmark"
                )
                self.failures.append({"family": self.family, "benchmark": culprit, "reason": reason, "log": log.name})
                shown.finished(culprit, reason)
                done = {culprit} | {
                    names.plain_name(entry.get("run_name", entry.get("name", "")))
                    for document in self.documents[first:]
                    for entry in document.get("benchmarks", [])
                }
                remaining = [name for name in remaining if name not in done]
        if os.path.getsize(log) == 0:
            log.unlink()


class BoundedLog:
    """A family's failure log: what its executable writes to stderr, and any line on stdout that is not a
    progress line. Bounded, so a benchmark that writes megabytes costs no more than this: the first HEAD
    bytes, then a line saying how much was left out, then the last TAIL bytes (where a crash says why)."""

    HEAD = 256 * 1024
    TAIL = 256 * 1024

    def __init__(self, path: pathlib.Path, append: bool = False):
        self.path = path
        self._file = open(path, "ab" if append else "wb")
        self._written = 0
        self._tail = bytearray()
        self._dropped = 0

    def __enter__(self):
        return self

    def __exit__(self, kind, *rest):
        try:
            self.close()
        except OSError:
            if kind is None:  # else what is already on its way out says more
                raise

    def write(self, data: bytes) -> None:
        room = self.HEAD - self._written
        if room > 0:
            self._checked(self._file.write, data[:room])
            self._written += min(room, len(data))
            data = data[room:]
        if data:
            self._tail += data
            if len(self._tail) > self.TAIL:
                excess = len(self._tail) - self.TAIL
                del self._tail[:excess]
                self._dropped += excess

    def close(self) -> None:
        if self._file.closed:
            return
        try:
            if self._dropped:
                self._checked(self._file.write, f"\n[... {self._dropped} bytes left out ...]\n".encode())
            self._checked(self._file.write, bytes(self._tail))
            self._checked(self._file.flush)
        finally:
            try:
                self._file.close()
            except OSError:
                pass  # said by the flush above

    def _checked(self, write, *data) -> None:
        """A full disk is said of this log's path, the one line a reader needs."""
        try:
            write(*data)
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(self.path)) from None


def failure_entry(failure: dict) -> dict:
    """A failed benchmark as Google Benchmark writes an errored one, so reports and the gate show it."""
    return {
        "name": failure["benchmark"],
        "run_name": failure["benchmark"],
        "run_type": "iteration",
        "repetitions": 0,
        "repetition_index": 0,
        "threads": 1,
        "iterations": 0,
        "real_time": 0.0,
        "cpu_time": 0.0,
        "time_unit": "ns",
        "error_occurred": True,
        "error_message": failure["reason"],
    }


def _ended_how(status: int) -> str:
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


def _supervise(command, stderr, budget_seconds, shown, environment=None, cpus=None, seconds=None):
    """Runs one start of a family executable, on `cpus` when given; returns (exit status, the benchmark it was
    in when it ended or None, whether the watchdog ended it). Adds each benchmark's seconds of calls to
    `seconds`."""
    # The executable's guardian (harness/supervision.h) ends its process group when this pipe's write end
    # closes: when this process dies by any signal, SIGKILL included, or once the executable is reaped.
    watch_read, watch_write = os.pipe()  # not inheritable: only this process holds the write end
    try:
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=paths.REPO_ROOT,
            start_new_session=True,  # its own process group: ended whole, and Ctrl-C is ours
            env={
                **os.environ,
                **(environment or {}),
                "YB_SUPERVISOR_PID": str(os.getpid()),
                "YB_SUPERVISOR_FD": str(watch_read),
            },
            pass_fds=(watch_read,),
            # Pinned before exec, so no benchmark thread ever runs elsewhere; threads it places itself keep
            # their own rules (within these CPUs).
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
    except BaseException:
        os.close(watch_write)
        raise
    finally:
        os.close(watch_read)
    try:
        status, culprit, timed_out, spent = _watch(child, stderr, budget_seconds, shown)
        if seconds is not None:
            for name, used in spent.items():
                plain = names.plain_name(name)  # as planned: without the /threads:N Google Benchmark appends
                seconds[plain] = seconds.get(plain, 0.0) + used
        return status, culprit, timed_out
    finally:
        os.close(watch_write)


def _watch(child, log, budget_seconds, shown):
    spent = {}  # seconds of calls so far, per benchmark
    current, call_started = None, 0.0
    last_line = time.monotonic()  # outside any benchmark (start-up, between benchmarks) the budget runs from here
    timed_out = False
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    selector.register(child.stderr, selectors.EVENT_READ)
    open_pipes = 2
    pending = b""
    exited_at = None
    try:
        while open_pipes:
            now = time.monotonic()
            # Once it has exited, what it wrote is read for a second more; a pipe held open past that by
            # something it left behind is not waited for (the guardian ends that once this returns).
            if exited_at is None and child.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > 1.0:
                break
            used = spent.get(current, 0.0) + now - call_started if current is not None else now - last_line
            if used > budget_seconds:
                timed_out = True
                _end_group(child)
                _drain(selector, log)
                break
            for key, _ in selector.select(timeout=max(0.05, min(budget_seconds - used, 1.0))):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_pipes -= 1
                    continue
                if key.fileobj is child.stderr:
                    log.write(chunk)
                    continue
                pending += chunk
                *lines, pending = pending.split(b"\n")
                if len(pending) > _LONGEST_LINE:  # no progress line is this long: the log keeps it, bounded
                    log.write(pending)
                    pending = b""
                for line in lines:
                    event = progress.parse_line(line.decode("utf-8", "replace"))
                    if event is None:
                        log.write(line + b"\n")
                        continue
                    now = last_line = time.monotonic()
                    if current is not None:
                        spent[current] = spent.get(current, 0.0) + now - call_started
                    if event.running:
                        current, call_started = event.name, now
                    else:
                        current = None
                        shown.finished(event.name, event.status)
        if pending:
            log.write(pending)
        status = child.wait()
    except BaseException:
        _end_group(child)  # ours, by its process group: an interrupted run leaves no benchmark behind
        raise
    finally:
        selector.close()
        child.stdout.close()
        child.stderr.close()
    return status, current, timed_out, spent


_LONGEST_LINE = 64 * 1024


def _drain(selector, log) -> None:
    """What the ended group had written still sits in the pipes: into the log, for a second at most."""
    deadline = time.monotonic() + 1.0
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.1):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
            else:
                log.write(chunk)


def _end_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
