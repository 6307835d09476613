"""``NatsWorkers`` — a service's NATS connection and the background jobs that use it.

Every job has exactly one owner at a time (ADR "one owner per background job"): a job
is either this replica's by assignment (a partition it was given) or held under a
lease the broker keeps (``Job(..., lease=...)``, for singletons such as the alert
outbox). A job whose lease is lost is stopped before the lease can pass to another.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import APIError

from adapters.nats.connection import connect
from adapters.nats.lease import FENCE_MARGIN, Lease, lease_key
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)

Worker = Callable[[JetStreamContext, asyncio.Event], Awaitable[None]]

# Start-up waits this long for the broker, then carries on connecting in the background
# (the service answers, /ready says "nats": false): a stop is never held up by NATS.
CONNECT_WAIT_SECONDS = 2.0
STOP_GRACE_SECONDS = 5.0
DRAIN_SECONDS = 2.0
RESTART_DELAY_SECONDS = 1.0
RENEW_RETRY_SECONDS = 0.2
_BROKER_ERRORS = (NatsError, APIError, TimeoutError, OSError)


@dataclass(frozen=True)
class Job:
    """A background loop; ``lease`` names the lease it runs under, if it is a singleton."""

    name: str
    run: Worker
    lease: str | None = None


def leased(name: str, run: Worker) -> Job:
    """A singleton job: whichever replica holds the lease ``name`` runs it."""
    return Job(name, run, lease=name)


class NatsWorkers:
    """Connects under the service's identity, runs its jobs, stops them on shutdown."""

    def __init__(
        self, settings: NatsSettings, service: str, jobs: Sequence[Job | Worker]
    ) -> None:
        self._settings = settings
        self._service = service
        self._jobs = [
            job if isinstance(job, Job) else Job(getattr(job, "__name__", "job"), job)
            for job in jobs
        ]
        self._stop = asyncio.Event()
        self._connected = asyncio.Event()
        self._main: asyncio.Task[None] | None = None
        self.client: Client | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._connected = asyncio.Event()
        self._main = asyncio.create_task(self._connect_and_run())
        connected = asyncio.ensure_future(self._connected.wait())
        await asyncio.wait({self._main, connected}, timeout=CONNECT_WAIT_SECONDS,
                           return_when=asyncio.FIRST_COMPLETED)
        connected.cancel()
        if self._main.done() and self._main.exception() is not None:
            # A broker that refuses us (certificate, credentials) is a configuration error.
            raise self._main.exception()  # type: ignore[misc]

    async def _connect_and_run(self) -> None:
        try:
            self.client = await connect(self._settings, self._service)
        except Exception:
            log.exception("nats_connect_failed", service=self._service)
            raise
        self._connected.set()
        js = self.client.jetstream(timeout=10)
        await asyncio.gather(*(self._own(job, js) for job in self._jobs))

    async def _own(self, job: Job, js: JetStreamContext) -> None:
        if job.lease is None:
            await self._supervise(job, js, self._stop)
            return
        lease = Lease(js, lease_key(self._service, job.lease), ttl=self._settings.lease_ttl)
        while not self._stop.is_set():
            try:
                acquired = await lease.acquire()
            except _BROKER_ERRORS as error:
                log.info("lease_unavailable", key=lease.key, error=type(error).__name__)
                acquired = False
            if acquired:
                await self._run_while_held(job, js, lease)
            else:
                await self._pause(lease.renew_every)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(lease.release(), DRAIN_SECONDS)

    async def _run_while_held(self, job: Job, js: JetStreamContext, lease: Lease) -> None:
        job_stop = asyncio.Event()
        task = asyncio.create_task(self._supervise(job, js, job_stop))
        try:
            await self._keep(lease)
        finally:
            job_stop.set()
            # The fence: the job is over before the entry can expire on the server.
            grace = lease.ttl * FENCE_MARGIN / 2
            if self._stop.is_set():
                grace = STOP_GRACE_SECONDS
            done, _ = await asyncio.wait({task}, timeout=grace)
            if not done:
                log.warning("job_cancelled", job=job.name, service=self._service)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _keep(self, lease: Lease) -> None:
        """Renew until stopped (lease held) or until the lease is lost (returns)."""
        next_renewal = time.monotonic() + lease.renew_every
        while not self._stop.is_set():
            await self._pause(next_renewal - time.monotonic())
            if self._stop.is_set():
                return
            left = lease.valid_until - time.monotonic()
            if left <= 0:
                log.warning("lease_expired", key=lease.key)
                return
            try:
                if not await asyncio.wait_for(lease.renew(), left):
                    return
                next_renewal = time.monotonic() + lease.renew_every
            except _BROKER_ERRORS as error:
                log.info("lease_renewal_retried", key=lease.key, error=type(error).__name__)
                next_renewal = time.monotonic() + RENEW_RETRY_SECONDS

    async def _supervise(self, job: Job, js: JetStreamContext, stop: asyncio.Event) -> None:
        # A job that fails is restarted: the store and the stream keep its place.
        while not stop.is_set():
            try:
                await job.run(js, stop)
            except Exception:
                log.exception("worker_failed", service=self._service, job=job.name)
                await self._pause(RESTART_DELAY_SECONDS, stop)

    async def _pause(self, seconds: float, stop: asyncio.Event | None = None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for((stop or self._stop).wait(), max(seconds, 0.0))

    async def stop(self) -> None:
        """Bounded: jobs get a grace period, a broker that is away is not waited for."""
        self._stop.set()
        if self._main is not None:
            if not self._connected.is_set():
                self._main.cancel()  # still waiting for the broker: nothing to finish
            done, _ = await asyncio.wait({self._main}, timeout=STOP_GRACE_SECONDS + DRAIN_SECONDS)
            if not done:
                self._main.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._main
        client = self.client
        if client is None or client.is_closed:
            return
        if client.is_connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.drain(), DRAIN_SECONDS)
        if not client.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), DRAIN_SECONDS)

    async def is_connected(self) -> bool:
        return self.client is not None and self.client.is_connected
