"""What a Python-track benchmark is: a name as docs/design.md says, an operation and its expected checksum."""
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass
class Benchmark:
    family: str  # the C++ family it stands beside: generators, coroutines, parallelism, io
    workload: str  # a workload name of that family
    impl: str  # py_...
    params: tuple  # (("n", 2000000), ...) in name order
    setup: Callable  # () -> (operation, close): operation() returns the checksum
    expected: int  # the C++ reference checksum
    items: int  # items per operation, for items_per_second
    # (min_time) -> None, or why this benchmark does not run with that minimum time ("skipped: " is added)
    skip: Optional[Callable] = None
    # () -> seconds one operation is expected to take, for operations that may be too long for a profile's
    # repetitions (budget.py decides: as usual, once, or skipped); None: short
    estimate: Optional[Callable] = None
    latency: bool = True  # a per-operation latency pass makes sense (one operation is one unit of work)
    # () -> {counter: value}: extra facts measured once, outside the timed loop (e.g. object_bytes)
    extra: Optional[Callable] = None

    @property
    def name(self) -> str:
        return "/".join([self.family, self.workload, self.impl] + [f"{k}:{v}" for k, v in self.params])


# Families, workloads and implementations with their one-line descriptions (for --yb_list).
FAMILY_TEXT = (
    "CPython (standard library only) on the C++ families' workloads and checksums: "
    "generators vs lists, send/yield, asyncio, thread vs process pools, asyncio vs blocking sockets"
)
WORKLOADS = {}  # "family/workload" -> text
ITEMS = {}  # "family/workload" -> what one item of an operation is called (the unit of `items`)
IMPLEMENTATIONS = {}  # "family/impl" -> text


def describe_workload(family, workload, text, item):
    WORKLOADS[f"{family}/{workload}"] = text
    ITEMS[f"{family}/{workload}"] = item


def describe_impl(family, impl, text):
    IMPLEMENTATIONS[f"{family}/{impl}"] = text


def no_close():
    pass


def simple(operation):
    """setup for an operation that needs nothing prepared."""
    return lambda: (operation, no_close)
