"""The campaign at the bus, with the credentials `samlad up` wrote into its data dir.

Each agency reads its own alerts through its own durable alerts consumer, with its own
nkey (the broker lets it read no one else's: tests/integration/security). The operator
(``admin``) purges a range of a stream and sees what a consumer holds unacknowledged.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext

from adapters.nats.connection import connect
from adapters.nats.names import (
    EVENTS_STREAM,
    alerts_consumer,
    coordination_consumer,
    handoffs_consumer,
)
from adapters.nats.settings import NatsSettings
from services.cli.testing import RunningSamlad
from services.settings import Settings

from .load import AGENCIES

FETCH_BATCH = 100
FETCH_WAIT_SECONDS = 0.5
ALERT_RAISED = "alert-raised"


def nats_settings(samlad: RunningSamlad) -> NatsSettings:
    env = {"SAMLAD_DATA_DIR": str(samlad.data_dir), "SAMLAD_NATS_URL": samlad.urls["nats"]}
    return Settings.from_env(env).nats


async def purge(js: JetStreamContext, agency: str, below: int | None = None) -> int:
    """Purge ``agency``'s messages stored so far (below stream sequence ``below``, if
    given); about how many (the count read just before: the agency goes on publishing)."""
    held = await stored(js, agency)
    assert await js.purge_stream(EVENTS_STREAM, seq=below, subject=f"samlad.{agency}.>")
    return held


async def handoffs_all_acked(js: JetStreamContext) -> bool:
    """Whether every agency's inbound hand-off consumer has, right now, nothing stored
    for it that it has not acknowledged."""
    infos = [await js.consumer_info(EVENTS_STREAM, handoffs_consumer(a)) for a in AGENCIES]
    return all(not info.num_pending and not info.num_ack_pending for info in infos)


async def read_alerts(samlad: RunningSamlad, agency: str, received: Counter[str]) -> None:
    """Add to ``received`` each alert raised that ``agency``'s own consumer delivers now."""
    client = await connect(nats_settings(samlad), agency)
    try:
        js = client.jetstream(timeout=10)
        subscription = await js.pull_subscribe_bind(alerts_consumer(agency), stream=EVENTS_STREAM)
        while True:
            try:
                messages = await subscription.fetch(FETCH_BATCH, timeout=FETCH_WAIT_SECONDS)
            except (TimeoutError, NatsTimeoutError):
                return
            for message in messages:
                event = json.loads(message.data)
                if ALERT_RAISED in event["type"]:
                    received[str(event["data"]["alert_id"])] += 1
                await message.ack_sync()
    finally:
        await client.close()


@asynccontextmanager
async def unacked_probe(
    samlad: RunningSamlad, service: str, partitions: int = 4
) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """A probe of how many messages ``service``'s consumers hold fetched, not acked."""
    durables = (
        [coordination_consumer(p) for p in range(partitions)]
        if service == "coordination"
        else [handoffs_consumer(service)]
    )
    client = await connect(nats_settings(samlad), "admin")
    js = client.jetstream(timeout=10)

    async def unacked() -> int:
        infos = [await js.consumer_info(EVENTS_STREAM, durable) for durable in durables]
        return sum(info.num_ack_pending or 0 for info in infos)

    try:
        yield unacked
    finally:
        await client.close()


@asynccontextmanager
async def operator(samlad: RunningSamlad) -> AsyncIterator[JetStreamContext]:
    """JetStream as the operator (``admin``)."""
    client = await connect(nats_settings(samlad), "admin")
    try:
        yield client.jetstream(timeout=10)
    finally:
        await client.close()


async def stored(js: JetStreamContext, agency: str) -> int:
    """How many of ``agency``'s messages the events stream holds."""
    info = await js.stream_info(EVENTS_STREAM, subjects_filter=f"samlad.{agency}.>")
    return sum((info.state.subjects or {}).values())


async def coordination_pulls_waiting(js: JetStreamContext, partitions: int = 4) -> int:
    """Pull requests of the coordination's partition consumers the server still holds:
    while one waits, a new message may be delivered to the process."""
    infos = [
        await js.consumer_info(EVENTS_STREAM, coordination_consumer(p)) for p in range(partitions)
    ]
    return sum(info.num_waiting or 0 for info in infos)
