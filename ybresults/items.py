"""Items: what one operation is made of (round trips, switches, requests, elements), and their name.

A workload that declares items per operation gets Google Benchmark's `items_per_second`; its executable names
the item once per workload in the run context, as a key `yb_item:<family>/<workload>` whose value is the noun
("round trip"). Files written before the noun existed, or without it, read as "item". Outputs lead with time
per item, named: "ns per round trip"; time per operation stays beside it."""
import math

CONTEXT_PREFIX = "yb_item:"
DEFAULT_NOUN = "item"
TIME_PER_ITEM = "ns_per_item"  # the derived value's name in results.csv and the reports


def context_key(family: str, workload: str) -> str:
    return f"{CONTEXT_PREFIX}{family}/{workload}"


def is_context_key(key) -> bool:
    return isinstance(key, str) and key.startswith(CONTEXT_PREFIX)


def nouns(document: dict) -> dict:
    """{"family/workload": noun} from the run context and the per-family contexts of a merged file."""
    found = {}
    meta = document.get("yieldbench") if isinstance(document.get("yieldbench"), dict) else {}
    family_contexts = meta.get("family_contexts") if isinstance(meta.get("family_contexts"), dict) else {}
    contexts = [document.get("context")] + list(family_contexts.values())
    for context in contexts:
        if not isinstance(context, dict):
            continue
        for key, value in context.items():
            if is_context_key(key) and isinstance(value, str) and value.strip():
                found.setdefault(key[len(CONTEXT_PREFIX) :], value.strip())
    return found


def noun_of(found: dict, family: str, workload: str) -> str:
    return found.get(f"{family}/{workload}", DEFAULT_NOUN)


def ns_per_item(items_per_second):
    """Nanoseconds per item from Google Benchmark's rate (every yieldbench benchmark is timed by wall clock,
    so the rate is items over real time), or None without a positive rate."""
    if items_per_second is None or isinstance(items_per_second, bool):
        return None
    if not math.isfinite(items_per_second) or items_per_second <= 0:
        return None
    per_item = 1e9 / items_per_second
    return per_item if math.isfinite(per_item) else None


def items_per_operation(time_ns, items_per_second):
    """How many items one operation processed (time per operation over time per item), or None."""
    per_item = ns_per_item(items_per_second)
    if per_item is None or time_ns is None or time_ns <= 0:
        return None
    count = time_ns / per_item
    return count if math.isfinite(count) else None


def per(noun: str) -> str:
    """'per round trip'."""
    return f"per {noun}"
