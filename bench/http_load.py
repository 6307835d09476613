"""A small HTTP/1.1 load generator for the benchmarks: keep-alive connections on asyncio.

Written against raw streams rather than an HTTP client library, so that on a machine of
two cores the load itself takes little of the CPU the server under test needs.

- ``closed_loop``: N clients, each sending its next request when its last was answered
  (throughput at saturation, with the latency it costs);
- ``open_loop``: requests offered at a fixed rate over N connections, latency measured
  from when each request was due (so a stalled server is not hidden: no coordinated
  omission).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Request = tuple[str, str, bytes]
"""``(method, path, JSON body)``."""


class Connection:
    """One keep-alive connection that sends a request and reads its answer."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._head = f"Host: {host}:{port}\r\nContent-Type: application/json\r\n{extra}"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(
            f"{method} {path} HTTP/1.1\r\n{self._head}Content-Length: {len(body)}\r\n\r\n"
            .encode() + body
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding":
                raise RuntimeError("chunked answers are not supported here")
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()


@dataclass
class LoadResult:
    """Latencies (seconds) of answered requests, by success, and the elapsed time."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)
    failure_sample: str = ""
    answers: list[bytes] = field(default_factory=list)
    keep_answers: bool = False

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        cuts = statistics.quantiles(self.latencies, n=1000, method="inclusive")
        return cuts[int(p * 10) - 1] * 1000

    def record(self, status: int, latency: float, body: bytes) -> None:
        if 200 <= status < 300:
            self.latencies.append(latency)
            if self.keep_answers:
                self.answers.append(body)
        else:
            self.failures[status] = self.failures.get(status, 0) + 1
            self.failure_sample = self.failure_sample or body[:300].decode(errors="replace")

    def line(self, label: str) -> str:
        failed = sum(self.failures.values())
        text = (f"  {label:<34}{self.rate:9.0f} /s   p50 {self.percentile_ms(50):7.1f} ms"
                f"   p99 {self.percentile_ms(99):7.1f} ms   n={len(self.latencies)}")
        if failed:
            text += f"   failed {failed} {self.failures} e.g. {self.failure_sample!r}"
        return text


async def closed_loop(
    host: str, port: int, headers: dict[str, str], make: Callable[[int], Request], *,
    clients: int, requests: int, keep_answers: bool = False,
) -> LoadResult:
    """``requests`` requests from ``clients`` clients that each wait for their answer."""
    result = LoadResult(keep_answers=keep_answers)
    numbers = iter(range(requests))
    connections = [Connection(host, port, headers) for _ in range(clients)]

    async def client(connection: Connection) -> None:
        for number in numbers:
            method, path, body = make(number)
            sent = time.perf_counter()
            status, answer = await connection.request(method, path, body)
            result.record(status, time.perf_counter() - sent, answer)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(client(c) for c in connections))
    finally:
        result.seconds = time.perf_counter() - started
        await asyncio.gather(*(c.close() for c in connections))
    return result


async def open_loop(
    host: str, port: int, headers: dict[str, str], make: Callable[[int], Request], *,
    rate: float, seconds: float, connections: int,
) -> LoadResult:
    """Requests due at ``rate`` per second for ``seconds``, sent on free connections."""
    result = LoadResult()
    due: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    pool = [Connection(host, port, headers) for _ in range(connections)]

    async def sender(connection: Connection) -> None:
        while (item := await due.get()) is not None:
            number, at = item
            method, path, body = make(number)
            status, answer = await connection.request(method, path, body)
            result.record(status, time.perf_counter() - at, answer)

    senders = [asyncio.create_task(sender(c)) for c in pool]
    started = time.perf_counter()
    total = int(rate * seconds)
    for number in range(total):
        at = started + number / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait((number, at))
    for _ in pool:
        due.put_nowait(None)
    try:
        await asyncio.gather(*senders)
    finally:
        result.seconds = time.perf_counter() - started
        await asyncio.gather(*(c.close() for c in pool))
    return result
