"""One colour and marker per implementation, derived from its name alone, the same in every chart and report.

Known implementations have a curated slot in PALETTE, chosen so that no two implementations of one section
share a colour, and related ones share a hue across sections (fibres red, coroutines orange, threads green).
Other names take a slot from a hash of the name (never from which other names are loaded). Within one chart
`distinct` settles clashes deterministically: curated names keep their slot, the others take the next free one.
Each slot also has a marker, so lines stay apart for readers who cannot tell the colours apart; variants of one
implementation are shades of its colour (`shade`)."""
import hashlib

from matplotlib.colors import to_hex, to_rgb

PALETTE = (
    "#1f77b4",  # 0 blue
    "#ff7f0e",  # 1 orange
    "#2ca02c",  # 2 green
    "#d62728",  # 3 red
    "#9467bd",  # 4 purple
    "#8c564b",  # 5 brown
    "#e377c2",  # 6 pink
    "#7f7f7f",  # 7 grey
    "#bcbd22",  # 8 olive
    "#17becf",  # 9 cyan
    "#393b79",  # 10 navy
    "#1b9e77",  # 11 teal
    "#e6ab02",  # 12 mustard
    "#843c39",  # 13 maroon
    "#637939",  # 14 dark olive
    "#7b4173",  # 15 plum
    "#252525",  # 16 near black
    "#ff9896",  # 17 salmon
    "#aec7e8",  # 18 light blue
    "#b5cf6b",  # 19 lime
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")

CURATED = {
    # generators
    "callback": 0,
    "coroutine_generator": 1,
    "eager_vector": 2,
    "fiber_generator": 3,
    "iterator": 4,
    "py_generator": 5,
    "py_list": 6,
    "py_listcomp": 7,
    "py_genexpr": 8,
    "ranges_view": 9,
    "py_line_generator": 10,
    "py_readlines": 12,
    # coroutines
    "state_machine": 0,
    "cxx20_coroutine": 1,
    "thread_handoff": 2,
    "boost_fiber": 3,
    "ucontext": 4,
    "py_generator_scheduler": 6,
    "py_asyncio": 9,
    "py_thread_handoff": 11,
    # parallelism
    "atomic": 0,
    "mutex": 1,
    "std_thread": 2,
    "fork": 3,
    "process_pool": 4,
    "condvar": 5,
    "eventfd": 6,
    "py_serial": 7,
    "thread_pool": 8,
    "futex": 9,
    "posix_spawn": 10,
    "pthread_small_stack": 11,
    "pipe": 12,
    "vfork": 13,
    "py_process_pool": 15,
    "py_thread_pool": 19,
    # io
    "epoll": 0,
    "coroutine_epoll": 1,
    "blocking_threads": 2,
    "fiber_epoll": 3,
    "io_uring": 4,
    "pread": 5,
    "blocking": 7,
    "py_blocking_threads": 11,
}


def slot(name: str) -> int:
    """The preferred palette slot of `name`: curated, or from a hash of the name (stable across runs)."""
    if name in CURATED:
        return CURATED[name]
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:4], "big") % len(PALETTE)


def assign(implementations) -> dict:
    """{implementation: "#rrggbb"}: each name's preferred colour, whatever else is loaded (may clash for
    names outside CURATED; charts use `distinct`)."""
    return {name: PALETTE[slot(name)] for name in set(implementations)}


def distinct(implementations) -> dict:
    """{implementation: "#rrggbb"} with no two names sharing a colour: curated names first, then the rest by
    name, each taking its preferred slot or the next free one; past the palette, darker rounds of it."""
    taken, result = set(), {}
    for name in sorted(set(implementations), key=lambda n: (n not in CURATED, n)):
        start = slot(name)
        tries = (_colour(index) for index in range(start, start + len(PALETTE) * MAX_ROUNDS))
        result[name] = next((c for c in tries if c not in taken), _colour(start))
        taken.add(result[name])
    return result


MAX_ROUNDS = 12  # darker rounds of the palette before a colour may repeat (240 names in one workload)


def _colour(index: int) -> str:
    base, rounds = PALETTE[index % len(PALETTE)], index // len(PALETTE)
    return base if rounds == 0 else shade(base, -(1 - 0.85**rounds))


def marker(colour: str) -> str:
    """The marker that goes with a palette colour (shades take their base's; unknown colours a circle)."""
    for index, base in enumerate(PALETTE):
        if base == colour:
            return MARKERS[index % len(MARKERS)]
    return "o"


def shade(colour: str, amount: float) -> str:
    """`colour` blended towards white (amount > 0) or black (amount < 0) by |amount| (0 to 1)."""
    target = 1.0 if amount > 0 else 0.0
    return to_hex(tuple(c + (target - c) * abs(amount) for c in to_rgb(colour)))


# Its own colour first, then alternately lighter and darker, far apart before close together.
VARIANT_SHADES = (0.0, 0.5, -0.45, 0.28, -0.25, 0.68, -0.62, 0.14, -0.12, 0.4, -0.35, 0.58, -0.53, 0.78)


def variant_colour(colour: str, index: int) -> str:
    """The colour of an implementation's `index`th variant (the last shade repeats past the 14th)."""
    amount = VARIANT_SHADES[min(index, len(VARIANT_SHADES) - 1)]
    return colour if amount == 0 else shade(colour, amount)
