"""Strict JSON (RFC 8259) for results: no NaN or Infinity. A value that is not finite is left out and the
reason kept: in a benchmark entry under its `omitted` object ({"field": "reason"}), anywhere else under the
`yieldbench` block's `omitted` ({"/json/pointer": "reason"}); a list keeps its length with null in place."""
import json
import math

from . import counters, schema


def _finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _reason(entry: dict, key: str, value: float) -> str:
    spelled = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    registered = counters.REGISTRY.get(key)
    if math.isnan(value) and registered is not None and registered.not_measured:
        return f"{spelled}: {registered.not_measured}"
    if entry.get("run_type") == "aggregate" and entry.get("aggregate_name") == "cv":
        return f"{spelled}: coefficient of variation of repetitions whose mean is 0"
    return f"{spelled} as measured: not a number that can be reported"


def _scrub(value, pointer: str, omitted: dict):
    """`value` with every non-finite number left out (dicts) or nulled (lists), recorded in `omitted`."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if _finite(item):
                kept[key] = _scrub(item, f"{pointer}/{key}", omitted)
            else:
                omitted[f"{pointer}/{key}"] = _reason({}, key, item)
        return kept
    if isinstance(value, list):
        kept = []
        for index, item in enumerate(value):
            if _finite(item):
                kept.append(_scrub(item, f"{pointer}/{index}", omitted))
            else:
                omitted[f"{pointer}/{index}"] = _reason({}, str(index), item)
                kept.append(None)
        return kept
    return value


def _scrub_entry(entry):
    if not isinstance(entry, dict):
        return entry
    kept, omitted = {}, dict(entry.get("omitted") or {}) if isinstance(entry.get("omitted"), dict) else {}
    for key, value in entry.items():
        if key == "omitted":
            continue
        if _finite(value):
            kept[key] = _scrub(value, key, omitted)
        else:
            omitted[key] = _reason(entry, key, value)
    if omitted:
        kept["omitted"] = omitted
    return kept


def upgrade(document: dict) -> dict:
    """`document` at the current schema: a copy without non-finite values (each reason kept), marked with
    the schema version when it has a `yieldbench` block. Returns `document` itself when nothing changes."""
    meta = document.get("yieldbench")
    current = not isinstance(meta, dict) or meta.get("schema_version") == schema.SCHEMA_VERSION
    if current and not has_non_finite(document):
        return document
    upgraded = {}
    omitted = {}
    for key, value in document.items():
        if key == "benchmarks":
            upgraded[key] = [_scrub_entry(entry) for entry in value]
        elif key == "yieldbench":
            upgraded[key] = value
        elif _finite(value):
            upgraded[key] = _scrub(value, f"/{key}", omitted)
        else:
            omitted[f"/{key}"] = _reason({}, key, value)
    if isinstance(document.get("yieldbench"), dict):
        meta = _scrub(document["yieldbench"], "/yieldbench", omitted)
        meta["schema_version"] = schema.SCHEMA_VERSION
        if omitted:
            earlier = meta.get("omitted") if isinstance(meta.get("omitted"), dict) else {}
            meta["omitted"] = {**earlier, **omitted}
        upgraded["yieldbench"] = meta
    return upgraded


def has_non_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(has_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(has_non_finite(item) for item in value)
    return False


def dumps(document: dict, compact_entries: bool = False) -> str:
    """The document as strict JSON text, non-finite values left out first. With `compact_entries`, one
    benchmark entry per line (baselines: small, and a refreshed one diffs line by line)."""
    document = upgrade(document)
    if not compact_entries:
        return json.dumps(document, indent=1, allow_nan=False) + "\n"
    head = {key: value for key, value in document.items() if key != "benchmarks"}
    parts = [f"{json.dumps(key)}: {json.dumps(value, indent=1, allow_nan=False)}" for key, value in head.items()]
    body = ",\n".join(
        "  " + json.dumps(entry, separators=(",", ":"), allow_nan=False) for entry in document["benchmarks"]
    )
    return "{\n" + ",\n".join(parts + [f'"benchmarks": [\n{body}\n]']) + "}\n"
