"""generators family in CPython: generator expression vs list comprehension (the seed's sum_plus_one),
a Fibonacci generator, and a CSV file read line by line (a generator) vs readlines() first."""
import sys
import time

import workloads as w
from registry import Benchmark, describe_impl, describe_workload, simple

FAMILY = "generators"
SUM_SIZES = (1_000, 100_000, 2_000_000)
FIB_SIZES = (1_000, 100_000)
CSV_ROWS = (10_000, 100_000)
MASK = w.MASK


def sum_genexpr(n):
    return sum(1 + x for x in range(n))


def sum_listcomp(n):
    return sum([1 + x for x in range(n)])


def creation_probe(make, n):
    """The seed's two claims at this n: sys.getsizeof of the object (a generator, or the list built), and what
    creating it costs without consuming it (the seed's timeit), averaged over >= 20 ms or 10,000 creations."""

    def probe():
        obj = make(n)
        size = sys.getsizeof(obj)
        del obj
        count, started = 0, time.perf_counter_ns()
        while True:
            make(n)
            count += 1
            elapsed = time.perf_counter_ns() - started
            if elapsed > 20_000_000 or count >= 10_000:
                break
        return {"object_bytes": size, "create_ns": elapsed / count}

    return probe


def fibonacci():
    """The seed's fibonacci_generator, wrapping mod 2**64 as the C++ does."""
    current, following = 0, 1
    while True:
        yield current
        current, following = following, (current + following) & MASK


def fibonacci_take_generator(n):
    total = 0
    for _, value in zip(range(n), fibonacci()):
        total += value
    return total & MASK


def fibonacci_take_list(n):
    values, current, following = [], 0, 1
    for _ in range(n):
        values.append(current)
        current, following = following, (current + following) & MASK
    return sum(values) & MASK


def read_lines(path):
    """The seed's load_purchases as a generator: one line at a time."""
    with open(path, encoding="ascii") as file:
        for line in file:
            yield line


def csv_line_generator(path):
    return sum(w.parse_price(line) for line in read_lines(path)) & MASK


def csv_readlines(path):
    with open(path, encoding="ascii") as file:
        lines = file.readlines()
    return sum([w.parse_price(line) for line in lines]) & MASK


def _csv_setup(function, rows):
    def setup():
        csv = w.CsvFile(rows)
        return (lambda: function(csv.path)), csv.close

    return setup


def benchmarks():
    describe_workload(
        FAMILY,
        "sum_plus_one",
        "sum of 1 + x for x < n (the seed's generator expression vs list comprehension)",
        "element",
    )
    describe_workload(FAMILY, "fibonacci_take", "sum of the first n Fibonacci numbers, wrapping mod 2^64", "element")
    describe_workload(
        FAMILY,
        "csv_prices",
        "sum the price column of a generated CSV file: line by line vs all lines read first",
        "row",
    )
    describe_impl(FAMILY, "py_genexpr", "sum(1 + x for x in range(n)): a generator expression, one element alive")
    describe_impl(FAMILY, "py_listcomp", "sum([1 + x for x in range(n)]): the whole list built first")
    describe_impl(FAMILY, "py_generator", "a generator function (yield per element), consumed by a for loop")
    describe_impl(FAMILY, "py_list", "the same elements appended to a list first, then summed")
    describe_impl(FAMILY, "py_line_generator", "a generator yielding the file's lines one at a time")
    describe_impl(FAMILY, "py_readlines", "file.readlines(): every line in a list first")
    out = []
    for n in SUM_SIZES:
        for impl, function, make in (
            ("py_genexpr", sum_genexpr, lambda n: (1 + x for x in range(n))),
            ("py_listcomp", sum_listcomp, lambda n: [1 + x for x in range(n)]),
        ):
            out.append(
                Benchmark(
                    FAMILY,
                    "sum_plus_one",
                    impl,
                    (("n", n),),
                    simple(lambda f=function, n=n: f(n)),
                    w.sum_plus_one_checksum(n),
                    n,
                    extra=creation_probe(make, n),
                )
            )
    for n in FIB_SIZES:
        expected = w.fibonacci_take_checksum(n)
        for impl, function in (("py_generator", fibonacci_take_generator), ("py_list", fibonacci_take_list)):
            out.append(
                Benchmark(
                    FAMILY, "fibonacci_take", impl, (("n", n),), simple(lambda f=function, n=n: f(n)), expected, n
                )
            )
    for rows in CSV_ROWS:
        expected = w.csv_rows(rows)[1]
        for impl, function in (("py_line_generator", csv_line_generator), ("py_readlines", csv_readlines)):
            out.append(
                Benchmark(FAMILY, "csv_prices", impl, (("rows", rows),), _csv_setup(function, rows), expected, rows)
            )
    return out
