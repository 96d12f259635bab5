"""One results document from the outputs of several family executables."""
from . import items, names, noise, schema, strict

# Context keys that differ between the executables of one run without saying anything about it.
PER_EXECUTABLE = ("executable", "date", "load_avg")


def merge(outputs: dict, metadata: dict, stops: dict = None) -> dict:
    """{family: Google Benchmark document} and the run's metadata -> one document: the first context, every
    benchmark, and the `yieldbench` block (metadata, schema and yieldbench versions, per-benchmark noise);
    `stops` says how sampling each benchmark ended ({run_name: {"stop": a noise.STOP_REASONS key, "seconds": of
    calls}}), where the run knows."""
    merged = {"context": {}, "benchmarks": [], "yieldbench": {}}
    differing = {}
    for family, output in outputs.items():
        context = dict(output.get("context") or {})
        if not merged["context"]:
            merged["context"] = dict(context)
        merged["context"].setdefault("executables", [])
        merged["context"]["executables"].append(context.get("executable", family))
        # Item nouns name their own workload: every family's belong in the one context.
        for key, value in context.items():
            if items.is_context_key(key):
                merged["context"].setdefault(key, value)
        # What one family says differently (the python track's interpreter and unmeasured metrics, say) is
        # kept per family rather than lost under the first family's context.
        own = {
            key: value
            for key, value in context.items()
            if key not in PER_EXECUTABLE and merged["context"].get(key) != value
        }
        if own:
            differing[family] = own
        merged["benchmarks"].extend(output.get("benchmarks", []))
    merged["context"].pop("executable", None)
    merged["yieldbench"] = {
        "schema_version": schema.SCHEMA_VERSION,
        "version": schema.VERSION,
        **metadata,
        "family_contexts": differing,
        "noise": noise_of(merged["benchmarks"], stops),
    }
    return strict.upgrade(merged)


def noise_of(benchmarks: list, stops: dict = None) -> dict:
    """run_name -> noise verdict over the real times of its repetitions (errored ones left out), with the number
    of processes they came from and, where `stops` has it, why sampling stopped and the seconds it took."""
    times, processes = {}, {}
    for entry in benchmarks:
        if entry.get("run_type", "iteration") == "iteration" and not entry.get("error_occurred"):
            value = entry.get("real_time")
            if isinstance(value, (int, float)):
                name = entry.get("run_name", entry.get("name"))
                times.setdefault(name, []).append(float(value))
                processes.setdefault(name, set()).add(entry.get("process_index", 0))
    stops = stops or {}
    return {
        name: {**noise.verdict(values, len(processes[name])), **stops.get(name, stops.get(names.plain_name(name), {}))}
        for name, values in times.items()
    }
