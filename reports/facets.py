"""Small multiples for crowded workloads: where one panel would hold more lines than a reader can follow
(io echo_tcp: 22 epoll/io_uring/... variants), the variant parameter most implementations share (`load`)
becomes a panel parameter, so each panel holds one value of it and its lines lose that part of their name."""
from dataclasses import replace

CROWDED = 12  # series in one workload beyond which its line charts are faceted
ABSENT = "default"  # the panel of benchmarks that do not set the faceted parameter


def facet_key(benches: list):
    """The variant parameter to facet on, or None: the one set by the most implementations (at least two),
    only where the workload has more than CROWDED series."""
    if len({b.series for b in benches}) <= CROWDED:
        return None
    owners = {}
    for bench in benches:
        for key, _ in bench.variant:
            owners.setdefault(key, set()).add(bench.impl)
    shared = [(len(impls), key) for key, impls in owners.items() if len(impls) >= 2]
    return min(shared, key=lambda found: (-found[0], found[1]))[1] if shared else None


def faceted(benches: list) -> list:
    """`benches` with the facet parameter moved from their variant to their case (every one of them, unset as
    `key=default`), so panels split by it and series names drop it; unchanged where nothing is crowded."""
    key = facet_key(benches)
    if key is None:
        return benches
    moved = []
    for bench in benches:
        value = dict(bench.variant).get(key, ABSENT)
        variant = tuple((k, v) for k, v in bench.variant if k != key)
        moved.append(replace(bench, case_params=bench.case + ((key, value),), variant=variant))
    return moved
