"""io family in CPython: echo_tcp (not yet implemented in the python track)."""


def benchmarks():
    return []
