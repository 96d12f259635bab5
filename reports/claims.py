"""The "claims checked" section: each claim of the Python notes the suite started from
beside the number measured in this run by the python track (implementations named py_*), with the C++
implementations of the same workload where the run has them. Shown only when python-track results are present."""
from dataclasses import dataclass
from html import escape

from ybresults import units

PY_PREFIX = "py_"


@dataclass
class Claim:
    claim: str  # what the notes say, with their numbers
    measured: str  # what this run measured (or why it could not)
    verdict: str  # holds / does not hold / partly / not measured


def has_python(report) -> bool:
    return any(b.impl.startswith(PY_PREFIX) for b in report.current)


def _find(report, family, workload, impl, **params):
    wanted = {k: str(v) for k, v in params.items()}
    for bench in report.current:
        if (
            (bench.family, bench.workload, bench.impl) == (family, workload, impl)
            and not bench.failed
            and all(dict(bench.params).get(k) == v for k, v in wanted.items())
        ):
            return bench
    return None


def _interpreter(report) -> str:
    for bench in report.current:
        if bench.impl.startswith(PY_PREFIX) and bench.labels:
            return bench.labels[0].split(";")[0].strip()
    return "CPython (version not recorded)"


def _t(ns):
    return "–" if ns is None else units.fmt_time(ns)


def _b(value):
    return "–" if value is None else f"{value:,.0f} B"


def _ratio(a, b):
    return None if not a or not b else a / b


def _generator_size(report, python):
    gen = _find(report, "generators", "sum_plus_one", "py_genexpr", n=2000000)
    lst = _find(report, "generators", "sum_plus_one", "py_listcomp", n=2000000)
    claim = (
        "sys.getsizeof: a generator object is 112 bytes, a 2,000,000-element list 17,632,624 bytes; "
        "generator expressions are the memory-efficient choice"
    )
    if not gen or not lst or gen.value("object_bytes") is None or lst.value("object_bytes") is None:
        return Claim(
            claim,
            "not measured in this run (needs sum_plus_one py_genexpr and py_listcomp at n=2000000)",
            "not measured",
        )
    measured = (
        f"{python}: generator object {_b(gen.value('object_bytes'))}, list {_b(lst.value('object_bytes'))} "
        f"(the list object only); whole operation's heap peak (tracemalloc): generator "
        f"{units.fmt_value('bytes', gen.value('heap_peak_bytes'))}, list "
        f"{units.fmt_value('bytes', lst.value('heap_peak_bytes'))} (the list and its 2,000,000 int objects)"
    )
    holds = (
        gen.value("heap_peak_bytes") is not None
        and lst.value("heap_peak_bytes") is not None
        and lst.value("heap_peak_bytes") > 1000 * max(1.0, gen.value("heap_peak_bytes"))
    )
    return Claim(claim, measured, "holds (sizes differ by version)" if holds else "does not hold")


def _timeit(report, python):
    claim = (
        "timeit: 1,000,000 creations take 1.51 s for (1 + x for x in range(200)) and 29.6 s for "
        "[1 + x for x in range(200)], so generator expressions are ~20x faster"
    )
    rows, honest, ratios = [], [], []
    for n in (1000, 100000, 2000000):
        gen = _find(report, "generators", "sum_plus_one", "py_genexpr", n=n)
        lst = _find(report, "generators", "sum_plus_one", "py_listcomp", n=n)
        if not gen or not lst:
            continue
        if gen.value("create_ns") is not None and lst.value("create_ns") is not None:
            rows.append(f"n={n}: create only {_t(gen.value('create_ns'))} vs {_t(lst.value('create_ns'))}")
        ratio = _ratio(gen.value("time_ns"), lst.value("time_ns"))
        if ratio:
            ratios.append(ratio)
        honest.append(
            f"n={n}: sum over all elements {_t(gen.value('time_ns'))} (genexpr) vs "
            f"{_t(lst.value('time_ns'))} (listcomp), genexpr/listcomp = {ratio:.2f}"
            if ratio
            else ""
        )
    if not honest:
        return Claim(claim, "not measured in this run (needs sum_plus_one py_genexpr and py_listcomp)", "not measured")
    measured = (
        f"{python}: creating a generator computes no element, building the list computes all of them — "
        + "; ".join(rows)
        + ". Consuming both (the honest comparison): "
        + "; ".join(h for h in honest if h)
    )
    cxx = [
        b
        for b in report.current
        if b.family == "generators"
        and b.workload == "sum_plus_one"
        and not b.impl.startswith(PY_PREFIX)
        and not b.failed
        and dict(b.params).get("n") == "2000000"
    ]
    if cxx:
        fastest = min(cxx, key=lambda b: b.value("time_ns") or float("inf"))
        measured += f". C++ at n=2000000: fastest {fastest.series} {_t(fastest.value('time_ns'))}"
    if ratios and all(0.8 <= r <= 1.25 for r in ratios):
        consumed = "consumed, the two cost about the same"
    elif ratios:
        consumed = f"consumed, the generator expression takes {min(ratios):.2f}–{max(ratios):.2f}x the list's time"
    else:
        consumed = "consumed: not measured"
    return Claim(claim, measured, f"holds for creation only; {consumed}")


# Below this, a pool is "no faster than serial": one operation of seconds on a shared machine moves by tens of %.
NO_FASTER = 1.2
GIL_CLAIM = (
    "the futures notes (their WORK_LIST 100, 1,000, 10,000, 100,000, 100,000,000, each entry summed by a "
    "generator expression): threads do not speed up CPU-bound Python, because of the GIL; processes do"
)


@dataclass
class PoolFigures:
    """One work list's measurements: median time per operation (ns) and how many repetitions each rests on."""

    list_name: str
    serial: float
    threads: float
    processes: float
    repetitions: tuple  # (serial, threads, processes)
    workers: int
    bound: float = None  # the most speedup the list allows the workers (the track's speedup_bound), if known

    @property
    def thread_speedup(self):
        return self.serial / self.threads

    @property
    def process_speedup(self):
        return self.serial / self.processes


def gil_verdict(seed: PoolFigures, balanced: PoolFigures = None, cpus: int = None, load: float = None) -> str:
    """The answer to GIL_CLAIM from the seed list's figures (and the balanced list's, where the seed list's
    shape cannot show a speedup): 'confirmed', 'contradicted' or why it cannot be answered, per half. A
    process pool no faster than serial is not evidence against the claim when the machine's load (1-minute
    average as the python track started) left fewer CPUs free than it has workers."""
    if cpus is not None and cpus < 2:
        return (
            f"not answered: this machine has {cpus} CPU, so no pool can run two workers at once "
            "(threads and processes alike)"
        )
    busy = None
    if cpus is not None and load is not None and cpus - load < seed.workers - 0.5:  # over half a CPU short
        busy = (
            f"not answered, the machine was busy (load {load:.2f} on {cpus} CPUs left fewer than "
            f"{seed.workers} free)"
        )
    # Threads no faster than serial say something only where the workers could have run at once.
    parallel_shown = any(f is not None and f.process_speedup >= NO_FASTER for f in (seed, balanced))
    if seed.thread_speedup < NO_FASTER:
        verdict = busy if busy and not parallel_shown else "confirmed"
        threads = f"threads: {verdict} ({seed.thread_speedup:.2f}x serial)"
    else:
        threads = f"threads: contradicted ({seed.thread_speedup:.2f}x faster than serial)"
    if seed.process_speedup >= NO_FASTER:
        processes = f"processes: confirmed ({seed.process_speedup:.2f}x)"
    elif seed.bound is not None and seed.bound < NO_FASTER:
        processes = (
            f"processes: not answerable with the seed's list ({seed.process_speedup:.2f}x, and no pool can beat "
            f"{seed.bound:.3f}x on it: its last entry is nearly all the work)"
        )
        if balanced is None:
            processes += "; list=balanced, its total in equal entries, was not measured"
        elif balanced.process_speedup >= NO_FASTER:
            processes += (
                f"; with the same total in equal entries (list=balanced) confirmed, " f"{balanced.process_speedup:.2f}x"
            )
        else:
            processes += (
                f"; with the same total in equal entries (list=balanced) {busy or 'contradicted too'}, "
                f"{balanced.process_speedup:.2f}x"
            )
    else:
        processes = f"processes: {busy or 'contradicted'} ({seed.process_speedup:.2f}x serial"
        processes += f", though the list allows {seed.bound:.2f}x)" if seed.bound else ")"
    return f"{threads}; {processes}"


def _pool_figures(report, list_name):
    """(PoolFigures, None) for the list at the most workers both pools were measured with, or (None, why not)."""
    serial = _find(report, "parallelism", "cpu_sum", "py_serial", list=list_name, workers=1)
    pools = {}
    for bench in report.current:
        if (bench.family, bench.workload) == ("parallelism", "cpu_sum") and dict(bench.params).get("list") == list_name:
            if bench.impl in ("py_thread_pool", "py_process_pool") and not bench.failed:
                pools.setdefault(int(dict(bench.params).get("workers", 0)), {})[bench.impl] = bench
    both = [w for w, found in pools.items() if w >= 2 and len(found) == 2]
    if not serial or not both:
        failed = [
            f"{b.impl}/workers:{dict(b.params).get('workers')}: {b.error}"
            for b in report.current
            if (b.family, b.workload, dict(b.params).get("list")) == ("parallelism", "cpu_sum", list_name)
            and b.impl.startswith(PY_PREFIX)
            and b.failed
        ]
        return None, (
            f"list={list_name} needs py_serial and both pools at 2 or more workers"
            + (f" ({'; '.join(failed)})" if failed else " (not in this run)")
        )
    workers = max(both)
    threads, procs = pools[workers]["py_thread_pool"], pools[workers]["py_process_pool"]
    trio = (serial, threads, procs)
    return (
        PoolFigures(
            list_name,
            serial.value("time_ns"),
            threads.value("time_ns"),
            procs.value("time_ns"),
            tuple(b.count() for b in trio),
            workers,
            procs.value("speedup_bound"),
        ),
        None,
    )


def _machine(report, bench_source):
    """(CPUs, 1-minute load average as the python track started), each None where the file does not say."""
    try:
        results = report.files[bench_source]
    except IndexError:
        return None, None
    own = ((results.meta or {}).get("family_contexts") or {}).get("python") or {}
    cpus, load = own.get("num_cpus", results.context.get("num_cpus")), None
    text = own.get("load_avg_at_start", results.context.get("load_avg_at_start"))
    try:
        cpus = int(cpus) if cpus is not None else None
        load = float(str(text).split()[0]) if text else None
    except (TypeError, ValueError):
        load = None
    return cpus, load


def _describe(figures: PoolFigures) -> str:
    reps = sorted(set(figures.repetitions))
    times = "one repetition each" if reps == [1] else f"median of {'/'.join(map(str, figures.repetitions))} repetitions"
    bound = f"; the list allows at most {figures.bound:.3f}x" if figures.bound else ""
    return (
        f"list={figures.list_name}, {figures.workers} workers, time per operation ({times}): serial "
        f"{_t(figures.serial)}, thread pool {_t(figures.threads)} (speedup {figures.thread_speedup:.2f}x), "
        f"process pool {_t(figures.processes)} (speedup {figures.process_speedup:.2f}x){bound}"
    )


def _gil(report, python):
    seed, why = _pool_figures(report, "seed")
    if seed is None:
        return Claim(GIL_CLAIM, f"not measured in this run: {why}", "not answered")
    balanced, _ = _pool_figures(report, "balanced")
    serial = _find(report, "parallelism", "cpu_sum", "py_serial", list="seed", workers=1)
    cpus, load = _machine(report, serial.source)
    machine = (f", {cpus} CPUs" if cpus else "") + (f", load {load:.2f} at the start" if load is not None else "")
    measured = f"{python}{machine}: " + _describe(seed)
    if balanced is not None:
        measured += "; " + _describe(balanced)
    return Claim(GIL_CLAIM, measured, gil_verdict(seed, balanced, cpus, load))


def _switch(report, python):
    claim = (
        "coroutines (generators, yield) switch within one thread, cheaper than threads, which pay context "
        "switches and lock acquisition"
    )
    gen = _find(report, "coroutines", "switch_round_trip", "py_generator", n=1000)
    thr = _find(report, "coroutines", "switch_round_trip", "py_thread_handoff", n=1000)
    if not gen or not thr:
        return Claim(
            claim,
            "not measured in this run (needs switch_round_trip py_generator and py_thread_handoff " "at n=1000)",
            "not measured",
        )
    g, t = gen.value("time_ns") / 1000, thr.value("time_ns") / 1000
    measured = (
        f"{python}: per round trip, generator {_t(g)}, thread handoff {_t(t)} ({t / g:.0f}x); "
        f"thread handoff voluntary context switches per round trip: "
        f"{(thr.value('ctx_voluntary') or 0) / 1000:.2f}"
    )
    cxx = {
        b.impl: b
        for b in report.current
        if b.family == "coroutines"
        and b.workload == "switch_round_trip"
        and not b.impl.startswith(PY_PREFIX)
        and not b.failed
        and dict(b.params).get("n") == "1000"
    }
    for impl in ("cxx20_coroutine", "thread_handoff"):
        if impl in cxx:
            measured += f"; C++ {cxx[impl].series}: {_t(cxx[impl].value('time_ns') / 1000)}"
    return Claim(claim, measured, "holds" if t > g else "does not hold")


def claims(report) -> list:
    if not has_python(report):
        return []
    python = _interpreter(report)
    return [_generator_size(report, python), _timeit(report, python), _gil(report, python), _switch(report, python)]


INTRO = (
    "Each claim of the Python notes this suite started from, with what this run measured "
    "(python track, implementations py_*)."
)


def html(report) -> str:
    found = claims(report)
    if not found:
        return ""
    rows = "".join(
        f"<tr><td>{escape(c.claim)}</td><td>{escape(c.measured)}</td><td>{escape(c.verdict)}</td></tr>" for c in found
    )
    return (
        f'<h2 id="claims">Claims checked</h2><p>{escape(INTRO)}</p>'
        f"<table><thead><tr><th>claim (notes)</th><th>measured here</th><th>verdict</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def markdown(report) -> list:
    found = claims(report)
    if not found:
        return []
    cell = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["### Claims checked", "", INTRO, "", "| claim (notes) | measured here | verdict |", "|---|---|---|"]
    lines += [f"| {cell(c.claim)} | {cell(c.measured)} | {cell(c.verdict)} |" for c in found]
    return lines + [""]
