"""What the files of a side-by-side report say differently about how they were measured: another measure
mode is bad input (nanoseconds beside instruction counts would be drawn as one quantity), another machine
or build only a warning (a report may show two machines side by side; the regression gate refuses to)."""
from .errors import ReportError

# Context keys that make numbers of two files not like for like, as the warning names them.
MACHINE_KEYS = {
    "cpu_model": "CPU model",
    "num_cpus": "CPU count",
    "hypervisor": "hypervisor",
    "compiler": "compiler",
    "cxx_flags": "compiler flags",
    "build_preset": "build preset",
}


def measure(results) -> str:
    """'time' or 'instructions', as the gate reads it (files from before the mode existed: time)."""
    return results.meta.get("measure") or results.context.get("yb_measure") or "time"


def check_same_measure(files: list) -> None:
    first = files[0]
    for results in files[1:]:
        if measure(results) != measure(first):
            raise ReportError(
                results.path,
                f"measure mode '{measure(results)}' differs from '{measure(first)}' of "
                f"{first.path}; report files of one mode together",
            )


def warnings(files: list) -> list:
    """One line per file measured on a busy machine (`yb_busy`, scripts/ybcli/machine_load.py), and one per
    context key whose value differs between files that record it."""
    lines = []
    for results in files:
        if results.context.get("yb_busy") is True:
            load = results.context.get("yb_load")
            worst = f" ({load['worst']})" if isinstance(load, dict) and isinstance(load.get("worst"), str) else ""
            lines.append(
                f"{results.label}: the machine was busy with other work during the run{worst}; "
                "its numbers are not to be trusted"
            )
    for key, shown in MACHINE_KEYS.items():
        values = [(results.label, results.context[key]) for results in files if results.context.get(key) is not None]
        if len({str(value) for _, value in values}) > 1:
            lines.append(
                f"{shown} differs: "
                + ", ".join(f"{label} '{value}'" for label, value in values)
                + " (not like for like)"
            )
    return lines
