"""``NatsWorkers`` — a service's NATS connection and the background loops that use it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from adapters.nats.connection import connect
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)

Worker = Callable[[JetStreamContext, asyncio.Event], Awaitable[None]]


class NatsWorkers:
    """Connects under the service's identity, runs workers, drains on shutdown."""

    def __init__(self, settings: NatsSettings, service: str, workers: list[Worker]) -> None:
        self._settings = settings
        self._service = service
        self._workers = workers
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.client: Client | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self.client = await connect(self._settings, self._service)
        js = self.client.jetstream(timeout=10)
        self._tasks = [
            asyncio.create_task(self._supervise(worker, js)) for worker in self._workers
        ]

    async def _supervise(self, worker: Worker, js: JetStreamContext) -> None:
        # A worker that fails is restarted: the store and the stream keep its place.
        while not self._stop.is_set():
            try:
                await worker(js, self._stop)
            except Exception:
                log.exception("worker_failed", service=self._service)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 1.0)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=10)
            for task in pending:
                task.cancel()
        if self.client is not None and not self.client.is_closed:
            await self.client.drain()

    async def is_connected(self) -> bool:
        return self.client is not None and self.client.is_connected
