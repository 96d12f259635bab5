"""coroutines family in CPython: a generator resumed by next() and by send() (the seed's y = yield x),
a round-robin scheduler over generators (the seed's func1/func2) and over asyncio tasks, and an OS-thread
handoff as the reference ceiling."""
import asyncio
import collections
import threading

import workloads as w
from registry import Benchmark, describe_impl, describe_workload, simple

FAMILY = "coroutines"
SWITCH_SIZES = (1_000, 100_000)
THREAD_SWITCH_SIZES = (1_000,)  # the thread handoff costs the same per round trip at every size
ROUND_ROBIN_SIZES = ((10, 1_000), (1_000, 100))


def counter(n):
    for i in range(n):
        yield i


def switch_round_trip_generator(n):
    total = 0
    for value in counter(n):
        total += value
    return total & w.MASK


def switch_round_trip_threads(n):
    """The peer thread produces i only when handed the turn, then hands it back: two handoffs a round trip."""
    to_peer, to_main = threading.Semaphore(0), threading.Semaphore(0)
    box = [0]

    def peer():
        for i in range(n):
            to_peer.acquire()
            box[0] = i
            to_main.release()

    thread = threading.Thread(target=peer)
    thread.start()
    total = 0
    for _ in range(n):
        to_peer.release()
        to_main.acquire()
        total += box[0]
    thread.join()
    return total & w.MASK


def accumulator():
    """y = yield x: answers every value sent with the running total so far."""
    running = 0
    x = yield
    while True:
        running += x
        x = yield running


def send_receive_generator(n):
    coroutine = accumulator()
    next(coroutine)  # prime: run to the first receive
    total = 0
    send = coroutine.send
    for x in range(n):
        total += send(x)
    coroutine.close()
    return total & w.MASK


def round_robin_task(task, yields):
    for step in range(yields):
        yield task * yields + step


def round_robin_generators(tasks, yields):
    ready = collections.deque(round_robin_task(j, yields) for j in range(tasks))
    hash_ = w.ROUND_ROBIN_SEED
    while ready:
        task = ready.popleft()
        try:
            value = next(task)
        except StopIteration:
            continue
        hash_ = ((hash_ ^ value) * w.ROUND_ROBIN_PRIME) & w.MASK
        ready.append(task)
    return hash_


async def _asyncio_round_robin(tasks, yields):
    state = [w.ROUND_ROBIN_SEED]

    async def task(j):
        for step in range(yields):
            state[0] = ((state[0] ^ (j * yields + step)) * w.ROUND_ROBIN_PRIME) & w.MASK
            await asyncio.sleep(0)  # back to the event loop: every other ready task runs first

    await asyncio.gather(*[asyncio.create_task(task(j)) for j in range(tasks)])
    return state[0]


def _asyncio_setup(tasks, yields):
    def setup():
        loop = asyncio.new_event_loop()
        return (lambda: loop.run_until_complete(_asyncio_round_robin(tasks, yields))), loop.close

    return setup


def benchmarks():
    describe_workload(
        FAMILY,
        "switch_round_trip",
        "resume a suspended coroutine that yields straight back: n round trips",
        "round trip",
    )
    describe_workload(
        FAMILY,
        "send_receive",
        "a value goes in and another comes out on every resume (y = yield x with send): n round trips",
        "round trip",
    )
    describe_workload(
        FAMILY,
        "round_robin",
        "a scheduler interleaving `tasks` coroutines that each yield `yields` times; order-sensitive checksum",
        "switch",
    )
    describe_impl(FAMILY, "py_generator", "a generator function resumed by next() / send()")
    describe_impl(
        FAMILY,
        "py_thread_handoff",
        "an OS thread handing the turn back and forth through two semaphores (under the GIL)",
    )
    describe_impl(
        FAMILY, "py_generator_scheduler", "a deque of generators resumed in turn (the seed's func1/func2, generalised)"
    )
    describe_impl(FAMILY, "py_asyncio", "asyncio tasks yielding to the event loop with await asyncio.sleep(0)")
    out = []
    for n in SWITCH_SIZES:
        out.append(
            Benchmark(
                FAMILY,
                "switch_round_trip",
                "py_generator",
                (("n", n),),
                simple(lambda n=n: switch_round_trip_generator(n)),
                w.switch_round_trip_checksum(n),
                n,
            )
        )
    for n in THREAD_SWITCH_SIZES:
        out.append(
            Benchmark(
                FAMILY,
                "switch_round_trip",
                "py_thread_handoff",
                (("n", n),),
                simple(lambda n=n: switch_round_trip_threads(n)),
                w.switch_round_trip_checksum(n),
                n,
            )
        )
    for n in SWITCH_SIZES:
        out.append(
            Benchmark(
                FAMILY,
                "send_receive",
                "py_generator",
                (("n", n),),
                simple(lambda n=n: send_receive_generator(n)),
                w.send_receive_checksum(n),
                n,
            )
        )
    for tasks, yields in ROUND_ROBIN_SIZES:
        params = (("tasks", tasks), ("yields", yields))
        expected = w.round_robin_checksum(tasks, yields)
        out.append(
            Benchmark(
                FAMILY,
                "round_robin",
                "py_generator_scheduler",
                params,
                simple(lambda t=tasks, y=yields: round_robin_generators(t, y)),
                expected,
                tasks * yields,
            )
        )
        out.append(
            Benchmark(
                FAMILY, "round_robin", "py_asyncio", params, _asyncio_setup(tasks, yields), expected, tasks * yields
            )
        )
    return out
