"""How many samples a benchmark takes: its repetitions are spread over several starts of its family's
executable (processes), and it leaves the run once its median is known well enough or its budget is spent.

pyperf's spread over worker processes and Criterion.rs's sampling to a confidence interval are the models: a
stable benchmark stops after the fewest processes, a noisy one gets more samples, up to its budget. The spread
between processes (address-space layout, frequency, neighbours) is real noise that one process cannot show."""
import math
from dataclasses import asdict, dataclass

from ybresults import names, noise, progress

from .supervisor import FamilyRun


@dataclass(frozen=True)
class Sampling:
    per_process: int  # repetitions each start of the executable takes of a benchmark still sampling
    min_processes: int  # no benchmark stops before this many processes (unless it failed)
    max_samples: int  # stops here, whatever its interval
    max_seconds: float  # seconds of calls (all processes together) past which no further process samples it
    target: float = None  # the median's relative half-interval to stop at (0.02: ±2%); None: a fixed count

    @classmethod
    def fixed(cls, samples: int, processes: int) -> "Sampling":
        """Exactly `samples` per benchmark, over `processes` (fewer when there are fewer samples)."""
        processes = max(1, min(samples, processes))
        return cls(math.ceil(samples / processes), processes, samples, math.inf)

    def next_repetitions(self, taken: int) -> int:
        """How many repetitions the next process takes of a benchmark that has `taken` samples."""
        return max(1, min(self.per_process, self.max_samples - taken))

    @property
    def max_processes(self) -> int:
        return math.ceil(self.max_samples / self.per_process)

    def describe(self) -> str:
        if self.target is None:
            return f"{self.max_samples} sample(s) over {self.min_processes} process(es)"
        return (
            f"{self.per_process} sample(s) a process, {self.min_processes} to {self.max_processes} processes, "
            f"until the median is known to ±{self.target:.0%} or {self.max_samples} samples or "
            f"{self.max_seconds:g} s a benchmark"
        )

    def record(self) -> dict:
        """What the results' `yieldbench.sampling` says (JSON: no infinity)."""
        return {key: (None if value == math.inf else value) for key, value in asdict(self).items()}


def stop_reason(samples: list, processes: int, seconds: float, sampling: Sampling):
    """Why a benchmark with these `samples` (real times), from `processes` processes, after `seconds` of calls,
    stops now (a noise.STOP_REASONS key), or None when it takes another process's samples."""
    if len(samples) >= sampling.max_samples:
        return "repetitions" if sampling.target is None else "max-samples"
    if processes < sampling.min_processes:
        return None
    if sampling.target is None:
        return None  # a fixed count not reached yet
    half_width = noise.relative_half_width(samples)
    if half_width is not None and half_width <= sampling.target:
        return "ci-target"
    if seconds >= sampling.max_seconds:
        return "max-seconds"
    return None


class _ProcessCalls:
    """The supervisor's view of one process: the last status of each benchmark, passed on to the progress."""

    def __init__(self, shown, ended=None):
        self.shown, self.status, self.ended = shown, {}, ended

    def finished(self, name: str, status: str) -> None:
        name = names.plain_name(name)  # as planned: without the /threads:N Google Benchmark appends
        if status != progress.RUNNING and self.status.get(name, progress.OK) == progress.OK:
            self.status[name] = status  # any call that went wrong says it
        self.shown.sampled(name, status)
        if status != progress.RUNNING and self.ended is not None:
            self.ended(name, status)


def sample_family(
    run: FamilyRun,
    executable,
    planned: list,
    arguments: list,
    sampling: Sampling,
    budget_seconds: float,
    run_dir,
    shown,
    stops: dict,
    meter=None,
    readings: list = None,
) -> None:
    """Samples `planned` over processes of `executable` until each stops; `stops` gets each benchmark's
    {"stop": reason, "seconds": of its calls} as it stops (what is still sampling when Interrupted propagates
    has none). Every entry carries its
    process as process_index. `meter`'s reading after each process goes to `readings`."""
    samples = {name: [] for name in planned}
    processes = {name: set() for name in planned}
    active, index = list(planned), 0
    while active:
        repetitions = max(sampling.next_repetitions(len(samples[name])) for name in active)
        shown.start_process(run.family, index, active, f" of {sampling.min_processes} to {sampling.max_processes}")

        def certain(name: str, status: str, taken: int = repetitions) -> None:
            """A benchmark whose stop is certain as its call ends (it failed or was skipped, or this process
            brings it to its most samples) is said at once, not when its process ends."""
            if name in stops or name not in samples:
                return
            if status != progress.OK:
                reason = "skipped" if status.startswith(progress.SKIPPED) else "failed"
            elif len(samples[name]) + taken >= sampling.max_samples:
                reason = "repetitions" if sampling.target is None else "max-samples"
            else:
                return
            stops[name] = {"stop": reason, "seconds": 0.0}
            shown.finished(
                name, status, "" if status != progress.OK else f"{len(samples[name]) + taken} samples, {reason}"
            )

        calls = _ProcessCalls(shown, certain)
        documents, failures = len(run.documents), len(run.failures)
        run.run(
            executable,
            active,
            [*arguments, f"--benchmark_repetitions={repetitions}"],
            budget_seconds,
            run_dir,
            calls,
        )
        if meter is not None and readings is not None:
            readings.append(meter.reading())
        sampled_now = set()
        for document in run.documents[documents:]:
            for entry in document.get("benchmarks", []):
                entry["process_index"] = index
                name = names.plain_name(entry.get("run_name", entry.get("name")) or "")
                if (
                    name in samples
                    and entry.get("run_type", "iteration") == "iteration"
                    and not entry.get("error_occurred")
                    and isinstance(entry.get("real_time"), (int, float))
                ):
                    samples[name].append(float(entry["real_time"]))
                    processes[name].add(index)
                    sampled_now.add(name)
        failed = {
            failure["benchmark"]: failure["reason"] for failure in run.failures[failures:] if "benchmark" in failure
        }
        family_failed = any("benchmark" not in failure for failure in run.failures[failures:])
        still = []
        for name in active:
            if name in stops:  # said as its call ended
                stops[name]["seconds"] = round(run.seconds.get(name, 0.0), 3)
                continue
            status = failed.get(name) or calls.status.get(name)
            if status is None and name in sampled_now:
                status = progress.OK  # its results say it ran, whatever its progress lines said
            if status is None and family_failed:
                status = "the family's executable failed (see the run's failures)"
            if status is not None and status != progress.OK:
                reason = "skipped" if status.startswith(progress.SKIPPED) else "failed"
            elif status is None:  # it never ran in this process: nothing more to learn from another
                status, reason = "no result from its process", "failed"
            else:
                reason = stop_reason(samples[name], len(processes[name]), run.seconds.get(name, 0.0), sampling)
            if reason is None:
                still.append(name)
                continue
            stops[name] = {"stop": reason, "seconds": round(run.seconds.get(name, 0.0), 3)}
            note = "" if reason in ("failed", "skipped") else f"{len(samples[name])} samples, {reason}"
            shown.finished(name, status, note)
        active, index = still, index + 1
