"""Is the cluster what `deploy/` promises? Every stream at its replicas, all current."""

from __future__ import annotations

import asyncio
import time

import msgspec
from nats.js.errors import NotFoundError

from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, STREAMS
from adapters.nats.settings import NatsSettings

_POLL_SECONDS = 0.25


class StreamHealth(msgspec.Struct, frozen=True, kw_only=True):
    stream: str
    replicas: int
    leader: str | None = None
    current: tuple[str, ...] = ()
    lagging: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.lagging and self.leader is not None


async def stream_health(settings: NatsSettings) -> list[StreamHealth]:
    client = await connect(settings, ADMIN)
    try:
        js = client.jetstream(timeout=5)
        found = []
        for name in STREAMS:
            try:
                info = await js.stream_info(name)
            except NotFoundError:
                found.append(StreamHealth(stream=name, replicas=0, problem="missing"))
                continue
            replicas = info.config.num_replicas or 1
            cluster = info.cluster
            peers = list(cluster.replicas or []) if cluster else []
            problem = (f"{replicas} replicas, want {settings.replicas}"
                       if replicas != settings.replicas else None)
            found.append(StreamHealth(
                stream=name, replicas=replicas, leader=cluster.leader if cluster else None,
                current=tuple(p.name or "?" for p in peers if p.current and not p.offline),
                lagging=tuple(p.name or "?" for p in peers if not p.current or p.offline),
                problem=problem,
            ))
        return found
    finally:
        await client.close()


async def wait_healthy(settings: NatsSettings, within: float) -> list[StreamHealth]:
    """Poll until every stream is healthy or ``within`` seconds pass; the last answer."""
    deadline = time.monotonic() + within
    while True:
        health = await stream_health(settings)
        if all(h.ok for h in health) or time.monotonic() >= deadline:
            return health
        await asyncio.sleep(_POLL_SECONDS)
