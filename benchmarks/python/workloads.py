"""The Python track's copy of the C++ workloads' definitions and reference checksums.

Every value here mirrors benchmarks/<family>/workloads.{h,cpp}: the same sizes, the same elements and
the same checksums (mod 2**64 where the C++ wraps), so a Python implementation is checked against the
number the C++ implementations are checked against. tests/python/test_python_track.py compares these
functions with literal values printed by the C++ code.
"""
import os
import tempfile

MASK = (1 << 64) - 1


# --- generators --------------------------------------------------------------------------------


def sum_plus_one_checksum(n):
    return (n * (n + 1) // 2) & MASK


def fibonacci_take_checksum(n):
    total, current, following = 0, 0, 1
    for _ in range(n):
        total = (total + current) & MASK
        current, following = following, (current + following) & MASK
    return total


def csv_rows(rows):
    """The generated purchases file of generators::CsvFile, line by line, and its price total."""
    state = 0x9E3779B97F4A7C15
    lines, total = [], 0
    for row_id in range(rows):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK  # Knuth's MMIX LCG
        month = 1 + (state >> 33) % 12
        day = 1 + (state >> 40) % 28
        customer = (state >> 20) % 10_000
        cents = 100 + (state >> 45) % 99_900
        lines.append(f"{row_id},2024-{month:02d}-{day:02d},customer{customer:04d},{cents}\n")
        total += cents
    return lines, total & MASK


class CsvFile:
    """Writes the file when made, removes it on close(); .path and .price_total as in C++."""

    def __init__(self, rows):
        lines, self.price_total = csv_rows(rows)
        handle, self.path = tempfile.mkstemp(prefix=f"yieldbench-py-purchases-{rows}-", suffix=".csv")
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.writelines(lines)

    def close(self):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def parse_price(line):
    return int(line[line.rfind(",") + 1 :])


# --- coroutines --------------------------------------------------------------------------------


def sum_below(n):
    return (n * (n - 1) // 2) & MASK


def switch_round_trip_checksum(n):
    return sum_below(n)


def send_receive_checksum(n):
    total = running = 0
    for x in range(n):
        running += x
        total += running
    return total & MASK


ROUND_ROBIN_SEED = 14695981039346656037  # FNV-1a offset basis
ROUND_ROBIN_PRIME = 1099511628211


def round_robin_fold(hash_, value):
    return ((hash_ ^ value) * ROUND_ROBIN_PRIME) & MASK


def round_robin_checksum(tasks, yields):
    hash_ = ROUND_ROBIN_SEED
    for step in range(yields):
        for task in range(tasks):
            hash_ = round_robin_fold(hash_, task * yields + step)
    return hash_


# --- parallelism -------------------------------------------------------------------------------

# The seed: the futures notes the suite started from sum 1..n for each entry of this list, in this order
# (their submit/as_completed examples), with sum(n for n in range(1, n + 1)) as the work per entry.
SEED_LIST = (100, 1_000, 10_000, 100_000, 100_000_000)
BALANCED_LIST = (25_000_000,) * 4  # the seed's total work in four equal entries (as in C++)
# Python only: the balanced shape at 1/100 of the work, a cheap check of the same question.
SMALL_LIST = (250_000,) * 4
WORK_LISTS = {"seed": SEED_LIST, "balanced": BALANCED_LIST, "small": SMALL_LIST}


def triangle(n):
    return (n * (n + 1) // 2) & MASK


def combine_results(results):
    """Each entry's sum weighted by its position, (2i + 1) * sum_i, mod 2**64 (parallelism::combine_results)."""
    return sum((2 * i + 1) * r for i, r in enumerate(results)) & MASK


def cpu_sum_checksum(work_list):
    return combine_results([triangle(n) for n in work_list])


def speedup_bound(work_list, workers):
    """The most speedup `workers` can reach on the list as a pool hands it out (each entry, in order, to the
    first worker free), every number costing the same: total work / the busiest worker's work. The seed's
    list is bounded near 1 whatever the worker count, its last entry being 99.9% of the work."""
    loads = [0] * workers
    for n in work_list:
        loads[loads.index(min(loads))] += n
    return sum(work_list) / max(loads)


# --- io ------------------------------------------------------------------------------------------


def echo_messages_per_connection(conns):
    return max(2, 1024 // max(1, conns))


def message_id(conn, message):
    return conn * 1_000_003 + message * 7 + 1


def pattern_byte(conn):
    return (conn * 31 + 7) & 0xFF


def echo_checksum(conns, messages):
    return sum(message_id(c, m) + pattern_byte(c) for c in range(conns) for m in range(messages)) & MASK
