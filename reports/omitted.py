"""Charts with nothing to say, left out of a report, and why; the workload's table says the reason instead."""
from . import metrics

# Below this many voluntary context switches per operation nothing waits within an operation: what remains is
# preemption, which grows with the time an operation takes and is already in the table.
NOTHING_WAITS = 0.01


def ctx_chart(benches: list) -> str:
    """Why the workload's context-switch chart is left out, or "" when it is drawn."""
    ran = [b for b in benches if not b.failed]
    voluntary = [b.value(metrics.CTX_VOLUNTARY.key) for b in ran]
    involuntary = [b.value(metrics.CTX_INVOLUNTARY.key) for b in ran]
    if all(v is None for v in voluntary + involuntary):
        return ""  # not measured: the "not measured" list says so
    if all(not v for v in voluntary + involuntary):
        return "no context-switch chart: every implementation measured 0 per operation"
    if all((v or 0) < NOTHING_WAITS for v in voluntary):
        top = max(v or 0 for v in involuntary)
        return (
            f"no context-switch chart: no implementation waits (voluntary switches under {NOTHING_WAITS:g} per "
            f"operation); involuntary ones (preemption, at most {top:.3g} per operation) follow the time taken "
            "and are in the table"
        )
    return ""
