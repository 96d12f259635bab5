"""Measuring one benchmark as harness/measure.h does, and its Google Benchmark-shaped JSON entries.

Order: a warm-up operation (checksum checked), memory probes outside the timed loop (tracemalloc for
heap_peak_bytes, then /proc/self/clear_refs + VmHWM for rss_peak_bytes), the timed loop per repetition
(getrusage of self and children at its edges: ctx_voluntary, ctx_involuntary per operation), and a
bounded latency pass (each operation timed alone) where an operation is long against a clock read. An
operation too long for the profile (budget.py) is timed once, with the resident-set probe around it.
"""
import math
import platform
import resource
import statistics
import time
import tracemalloc

INTERPRETER = f"{platform.python_implementation()} {platform.python_version()}"
SMALLEST_TIMED_OPERATION_NS = 100 * 100  # 100 clock reads of ~100 ns (time.perf_counter_ns from Python)
MIN_LATENCY_SAMPLES = 10


class ChecksumMismatch(Exception):
    pass


def _check(bench, value):
    if value != bench.expected:
        raise ChecksumMismatch(f"checksum mismatch in {bench.name}: expected {bench.expected}, got {value}")


def _rusage():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_nvcsw + c.ru_nvcsw, s.ru_nivcsw + c.ru_nivcsw


def _vm(field):
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def heap_peak(operation):
    """Peak bytes traced by tracemalloc during one operation, above what was live before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        operation()
        return max(0, tracemalloc.get_traced_memory()[1] - before)
    finally:
        tracemalloc.stop()


def rss_peak(operation):
    """Resident set growth during one operation (VmHWM after a reset, minus VmRSS before), or None."""
    if not _reset_hwm():
        return None
    before = _vm("VmRSS")
    operation()
    after = _vm("VmHWM")
    return None if before is None or after is None else max(0, after - before)


def percentile(sorted_values, q):
    index = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[index]


def latency(operation, budget_seconds, warm_ns):
    """(per-operation latency counters, None) or ({}, why not) when an operation is too short or too few
    samples fit the budget."""
    if warm_ns < SMALLEST_TIMED_OPERATION_NS:
        return {}, f"latency: mean only (op {warm_ns:.0f} ns < 100 clock reads of ~100 ns from Python)"
    if warm_ns * MIN_LATENCY_SAMPLES > budget_seconds * 1e9:
        return {}, (
            f"latency: mean only (op {warm_ns / 1e6:.3g} ms: fewer than {MIN_LATENCY_SAMPLES} samples "
            f"fit {budget_seconds:.3g} s)"
        )
    samples, clock = [], time.perf_counter_ns
    deadline = clock() + budget_seconds * 1e9
    while clock() < deadline and len(samples) < 100_000:
        started = clock()
        operation()
        samples.append(clock() - started)
    if len(samples) < MIN_LATENCY_SAMPLES:
        return {}, f"latency: mean only (only {len(samples)} samples fit {budget_seconds:.3g} s)"
    samples.sort()
    out = {"lat_p50_ns": percentile(samples, 0.5), "lat_p90_ns": percentile(samples, 0.9)}
    if len(samples) >= 100:
        out["lat_p99_ns"] = percentile(samples, 0.99)
    if len(samples) >= 1000:
        out["lat_p999_ns"] = percentile(samples, 0.999)
    out["lat_max_ns"] = samples[-1]
    out["lat_samples"] = len(samples)
    return {k: float(v) for k, v in out.items()}, None


class Prepared:
    """A benchmark set up, warmed and probed, ready for its repetitions; or, planned `once` (budget.py), set up
    for its one repetition of one operation, the resident-set probe taken around that operation."""

    def __init__(self, bench, min_time, latency_seconds, plan=None):
        self.bench = bench
        self.once = bool(plan and plan.once)
        self.operation, self.close = bench.setup()
        try:
            self.memory = {}
            if bench.extra:
                self.memory.update({k: float(v) for k, v in bench.extra().items()})
            if self.once:
                self.iterations = 1
                self.latency = {}
                self.label = f"{INTERPRETER}; {plan.why_once(min_time)}"
                return
            started = time.perf_counter_ns()
            _check(bench, self.operation())
            warm_ns = max(1, time.perf_counter_ns() - started)
            # Google Benchmark's choice: enough iterations to fill the minimum time, at least one.
            self.iterations = max(1, min(1_000_000_000, math.ceil(min_time * 1e9 / warm_ns)))
            notes = []
            if plan is None or plan.heap_probe:
                self.memory["heap_peak_bytes"] = float(heap_peak(self.operation))
            else:
                notes.append("heap peak: not probed (one operation under tracemalloc would take too long)")
            rss = rss_peak(self.operation)
            if rss is not None:
                self.memory["rss_peak_bytes"] = float(rss)
            self.latency, why = (
                latency(self.operation, latency_seconds, warm_ns)
                if bench.latency
                else ({}, "latency: mean only (one operation is many units of work)")
            )
            self.label = "; ".join([INTERPRETER] + notes + ([why] if why else []))
        except BaseException:
            self.close()
            raise

    def repetition(self):
        """One timed loop: (real_ns per op, cpu_ns per op, counters)."""
        operation, expected, iterations = self.operation, self.bench.expected, self.iterations
        probing = self.once and _reset_hwm()
        rss_before = _vm("VmRSS") if probing else None
        wrong = None
        vol0, invol0 = _rusage()
        cpu0 = time.process_time_ns()
        started = time.perf_counter_ns()
        for _ in range(iterations):
            value = operation()
            if value != expected:
                wrong = value
        elapsed = time.perf_counter_ns() - started
        cpu = time.process_time_ns() - cpu0
        vol1, invol1 = _rusage()
        rss_after = _vm("VmHWM") if probing else None
        if wrong is not None:
            _check(self.bench, wrong)
        real = elapsed / iterations
        counters = {
            "ctx_voluntary": (vol1 - vol0) / iterations,
            "ctx_involuntary": (invol1 - invol0) / iterations,
            "items_per_second": self.bench.items * iterations / (elapsed / 1e9) if elapsed else 0.0,
        }
        if rss_before is not None and rss_after is not None:
            counters["rss_peak_bytes"] = float(max(0, rss_after - rss_before))
        counters.update(self.memory)
        return real, cpu / iterations, counters


def iteration_entry(bench, index, repetitions, rep_index, iterations, real, cpu, counters, label):
    entry = {
        "name": bench.name,
        "family_index": index,
        "per_family_instance_index": 0,
        "run_name": bench.name,
        "run_type": "iteration",
        "repetitions": repetitions,
        "repetition_index": rep_index,
        "threads": 1,
        "iterations": iterations,
        "real_time": real,
        "cpu_time": cpu,
        "time_unit": "ns",
    }
    entry.update(sorted(counters.items()))
    entry["label"] = label
    return entry


def error_entry(bench, index, repetitions, message):
    return {
        "name": bench.name,
        "family_index": index,
        "per_family_instance_index": 0,
        "run_name": bench.name,
        "run_type": "iteration",
        "repetitions": repetitions,
        "repetition_index": 0,
        "threads": 1,
        "error_occurred": True,
        "error_message": message,
        "iterations": 0,
        "real_time": 0.0,
        "cpu_time": 0.0,
        "time_unit": "ns",
    }


def aggregates(bench, index, entries):
    """mean, median, stddev, cv over the repetitions (Google Benchmark's names and units)."""
    if len(entries) < 2:
        return []
    keys = ["real_time", "cpu_time"] + sorted(
        k
        for k in entries[0]
        if k not in _NOT_NUMBERS and k not in ("real_time", "cpu_time") and all(k in e for e in entries)
    )
    out = []
    for name, unit in (("mean", "time"), ("median", "time"), ("stddev", "time"), ("cv", "percentage")):
        entry = {
            "name": f"{bench.name}_{name}",
            "family_index": index,
            "per_family_instance_index": 0,
            "run_name": bench.name,
            "run_type": "aggregate",
            "repetitions": len(entries),
            "threads": 1,
            "aggregate_name": name,
            "aggregate_unit": unit,
            "iterations": len(entries),
        }
        for key in keys:
            values = [float(e[key]) for e in entries]
            mean = statistics.fmean(values)
            if name == "mean":
                value = mean
            elif name == "median":
                value = statistics.median(values)
            elif name == "stddev":
                value = statistics.stdev(values)
            else:
                value = statistics.stdev(values) / mean if mean else 0.0
            entry[key] = value
        entry["time_unit"] = "ns"
        out.append(entry)
    return out


_NOT_NUMBERS = {
    "name",
    "family_index",
    "per_family_instance_index",
    "run_name",
    "run_type",
    "repetitions",
    "repetition_index",
    "threads",
    "iterations",
    "time_unit",
    "label",
}
