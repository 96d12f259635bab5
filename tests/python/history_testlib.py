"""Results documents for the history tests, written through ybresults (the one writer of results files)."""
import pathlib

import ybresults


def document(
    run_id: str,
    date: str,
    commit: str,
    times: dict,
    repetitions: int = 3,
    measure: str = "time",
    machine_cpus: int = 2,
    skipped: dict = None,
    failed: dict = None,
) -> dict:
    """A results document: `times` {name: ns per operation} (each repetition ±1%), `skipped` and `failed`
    {name: reason}."""
    entries = []
    for name, ns in times.items():
        for index in range(repetitions):
            value = ns * (1 + 0.01 * (index - (repetitions - 1) / 2))
            entries.append(
                {
                    "name": name,
                    "run_name": name,
                    "run_type": "iteration",
                    "repetitions": repetitions,
                    "repetition_index": index,
                    "iterations": 1000,
                    "real_time": value,
                    "cpu_time": value * 0.9,
                    "time_unit": "Ir" if measure == "instructions" else "ns",
                    "heap_allocs": 2.0,
                    "heap_peak_bytes": 4096.0 + index,
                    "ctx_voluntary": 0.5,
                }
            )
    for table, prefix in ((skipped or {}, "skipped: "), (failed or {}, "")):
        for name, reason in table.items():
            entries.append(
                {
                    "name": name,
                    "run_name": name,
                    "run_type": "iteration",
                    "real_time": 0,
                    "time_unit": "ns",
                    "error_occurred": True,
                    "error_message": prefix + reason,
                }
            )
    return {
        "context": {
            "date": date,
            "git_commit": commit,
            "num_cpus": machine_cpus,
            "hypervisor": "KVMKVMKVM",
            "cpu_model": "test cpu",
            "kernel": "6.1",
            "yb_version": "0.1.0",
        },
        "yieldbench": {
            "schema_version": ybresults.SCHEMA_VERSION,
            "version": "0.1.0",
            "run_id": run_id,
            "profile": "quick",
            "measure": measure,
            "repetitions": repetitions,
            "partial": bool(failed),
            "failures": [{"benchmark": name, "reason": reason} for name, reason in (failed or {}).items()],
            "command": "yieldbench run",
        },
        "benchmarks": entries,
    }


def write_run(root: pathlib.Path, run_id: str, *args, **kwargs) -> pathlib.Path:
    """results/<run_id>/results.json under `root`; its path."""
    path = pathlib.Path(root) / run_id / "results.json"
    ybresults.write(path, document(run_id, *args, **kwargs))
    return path


SUITE = {
    "generators/sum_plus_one/eager_vector/n:1000": 5000.0,
    "generators/sum_plus_one/coroutine/n:1000": 7000.0,
    "coroutines/switch/boost_fiber": 40.0,
}
