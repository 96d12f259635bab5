"""io family in CPython: echo_tcp over loopback, an asyncio streams server vs a thread-per-connection
blocking server, both driven by the same load generator in a separate process (so the client never
competes with the server for the server's GIL).

The load generator (this file run as a script) keeps C connections open for the whole benchmark and,
per operation, sends M messages of S bytes on each, closed loop (the next message of a connection leaves
when the previous echo is complete), all connections at once; a message's first 8 bytes are its id
(little-endian), the rest its connection's pattern byte; the checksum sums the id and the last byte of
every echo, as benchmarks/io/workloads.h says. It answers one line per command on stdout.
"""
import asyncio
import os
import selectors
import socket
import subprocess
import sys
import threading
import time

import workloads as w

FAMILY = "io"
CONNS = (1, 16)
SIZES = (64,)
DEADLINE_SECONDS = 10.0


# --- the load generator (its own process) -------------------------------------------------------


def _message(conn, message, size):
    return w.message_id(conn, message).to_bytes(8, "little") + bytes([w.pattern_byte(conn)]) * (size - 8)


def _run(socks, messages, size):
    selector = selectors.DefaultSelector()
    state = []
    for index, sock in enumerate(socks):
        state.append({"message": 0, "buffer": bytearray()})
        selector.register(sock, selectors.EVENT_READ, index)
        sock.sendall(_message(index, 0, size))
    total, finished, deadline = 0, 0, time.monotonic() + DEADLINE_SECONDS
    try:
        while finished < len(socks):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no echo within {DEADLINE_SECONDS} s")
            for key, _ in selector.select(remaining):
                index, sock = key.data, key.fileobj
                conn = state[index]
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError(f"connection {index} closed by the server")
                conn["buffer"] += data
                while len(conn["buffer"]) >= size:
                    echo = conn["buffer"][:size]
                    del conn["buffer"][:size]
                    total += int.from_bytes(echo[:8], "little") + echo[-1]
                    conn["message"] += 1
                    if conn["message"] < messages:
                        sock.sendall(_message(index, conn["message"], size))
                    else:
                        finished += 1
    finally:
        selector.close()
    return total & w.MASK


def client_main():
    socks, size = [], 64
    for line in sys.stdin:
        command, *args = line.split()
        try:
            if command == "connect":
                port, conns, size = map(int, args)
                for _ in range(conns):
                    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_SECONDS)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    socks.append(sock)
                reply = "ok 0"
            elif command == "run":
                reply = f"ok {_run(socks, int(args[0]), size)}"
            else:
                reply = f"error unknown command {command}"
        except Exception as error:  # the benchmark reports it; the generator stays answerable
            reply = f"error {type(error).__name__}: {error}"
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()
    for sock in socks:
        sock.close()


class LoadGenerator:
    def __init__(self, port, conns, size):
        self.child = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            self.call(f"connect {port} {conns} {size}")
        except BaseException:
            self.close()
            raise

    def call(self, line):
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()
        reply = self.child.stdout.readline().split(" ", 1)
        if len(reply) != 2 or reply[0] != "ok":
            raise RuntimeError("load generator: " + (" ".join(reply).strip() or "ended without an answer"))
        return int(reply[1])

    def close(self):
        try:
            self.child.stdin.close()
        except OSError:
            pass
        try:
            self.child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.child.kill()  # ours, by its handle
            self.child.wait()
        self.child.stdout.close()


# --- servers -------------------------------------------------------------------------------------


class AsyncioServer:
    """asyncio.start_server on its own event loop thread: one coroutine per connection."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, name="asyncio-echo")
        self.thread.start()

    @staticmethod
    async def _handle(reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()

        async def finished():
            await asyncio.gather(*pending, return_exceptions=True)

        self.loop.run_until_complete(finished())
        self.loop.close()


class BlockingThreadsServer:
    """An accepting thread and one thread per connection: blocking recv, then sendall."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)  # the accept loop looks at `stopping` this often
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        self.threads, self.conns = [], []
        self.acceptor = threading.Thread(target=self._accept, name="blocking-echo-accept")
        self.acceptor.start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            conn.settimeout(None)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name="blocking-echo")
            self.threads.append(thread)
            thread.start()

    @staticmethod
    def _serve(conn):
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass

    def close(self):
        self.stopping = True
        self.acceptor.join()
        self.listener.close()
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join()
        for conn in self.conns:
            conn.close()


def _setup(server_kind, conns, size):
    messages = w.echo_messages_per_connection(conns)

    def setup():
        server = server_kind()
        try:
            client = LoadGenerator(server.port, conns, size)
        except BaseException:
            server.close()
            raise

        def close():
            client.close()  # the client's connections close first, so every server handler sees EOF
            server.close()

        return (lambda: client.call(f"run {messages}")), close

    return setup


def benchmarks():
    # Local imports: this file also runs alone as the load generator, which needs none of them.
    from registry import Benchmark, describe_impl, describe_workload

    describe_workload(
        FAMILY,
        "echo_tcp",
        "C connections each send M messages of S bytes, closed loop, over loopback "
        "TCP (~1024 requests per operation); load generator in its own process",
        "request",
    )
    describe_impl(FAMILY, "py_asyncio", "asyncio.start_server: one coroutine per connection on one event loop thread")
    describe_impl(
        FAMILY, "py_blocking_threads", "one OS thread per connection, blocking recv/sendall (GIL between them)"
    )
    out = []
    for conns in CONNS:
        for size in SIZES:
            messages = w.echo_messages_per_connection(conns)
            for impl, kind in (("py_asyncio", AsyncioServer), ("py_blocking_threads", BlockingThreadsServer)):
                out.append(
                    Benchmark(
                        FAMILY,
                        "echo_tcp",
                        impl,
                        (("conns", conns), ("msg", size)),
                        _setup(kind, conns, size),
                        w.echo_checksum(conns, messages),
                        conns * messages,
                        latency=False,
                    )
                )
    return out


if __name__ == "__main__":
    client_main()
