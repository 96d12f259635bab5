"""Helpers for the report tests: the checked-in fixture files, report generation, and a second run of a
fixture with chosen implementations slower or faster."""
import json
import pathlib

import reports

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> pathlib.Path:
    return FIXTURES / name


def changed_copy(source: pathlib.Path, target: pathlib.Path, factors: dict, run_id: str) -> pathlib.Path:
    """`source` with real_time of implementation X multiplied by factors[X] and items_per_second divided by it,
    as a slower run would measure them (cv aggregates left alone)."""
    doc = json.loads(source.read_text())
    for entry in doc["benchmarks"]:
        impl = entry["run_name"].split("/")[2]
        if impl in factors and entry.get("aggregate_name") != "cv":
            entry["real_time"] *= factors[impl]
            if "items_per_second" in entry:
                entry["items_per_second"] /= factors[impl]
    doc.setdefault("yieldbench", {})["run_id"] = run_id
    target.write_text(json.dumps(doc))
    return target


def generate(out: pathlib.Path, *paths) -> pathlib.Path:
    rc = reports.main([str(p) for p in paths] + ["--out", str(out), "--quiet"])
    assert rc == 0
    return out
