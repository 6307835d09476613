"""Services consume through the consumers admin declared, with their own identities."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from adapters.nats.names import (
    EVENTS_STREAM,
    alerts_consumer,
    coordination_consumer,
    stored_partition,
)
from adapters.nats.pull import fetch_batches
from adapters.nats.testing import Connect, RunningNats, new_person_ref


async def _take(batches: AsyncIterator[list[Msg]], count: int) -> list[Msg]:
    taken: list[Msg] = []
    async with asyncio.timeout(10):
        async for batch in batches:
            taken.extend(batch)
            if len(taken) >= count:
                return taken
    return taken


async def test_coordination_reads_one_partition_and_acks(
    own_nats: RunningNats, connect_as: Connect
) -> None:
    kommun = (await connect_as(own_nats.settings, "kommun")).jetstream()
    acks = [
        await kommun.publish(f"samlad.kommun.e.v1.{new_person_ref()}", b"{}") for _ in range(20)
    ]
    admin = (await connect_as(own_nats.settings, "admin")).jetstream()
    stored = [(await admin.get_msg(EVENTS_STREAM, ack.seq)).subject or "" for ack in acks]
    in_p1 = [subject for subject in stored if stored_partition(subject) == 1]

    coordination = (await connect_as(own_nats.settings, "coordination")).jetstream()
    sub = await coordination.pull_subscribe_bind(coordination_consumer(1), stream=EVENTS_STREAM)
    msgs = await sub.fetch(len(in_p1), timeout=5)
    for msg in msgs:
        await msg.ack_sync()

    assert [msg.subject for msg in msgs] == in_p1
    info = await admin.consumer_info(EVENTS_STREAM, coordination_consumer(1))
    assert info.num_ack_pending == 0
    assert info.num_pending == 0


async def test_an_agency_reads_through_its_own_consumer_only_the_alerts_naming_it(
    own_nats: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    coordination = (await connect_as(own_nats.settings, "coordination")).jetstream()
    for recipients in ("kommun-fk", "af-fk", "region"):
        await coordination.publish(
            f"samlad.coordination.gap-detected.v1.{person_ref}.{recipients}", b"{}"
        )

    af = (await connect_as(own_nats.settings, "af")).jetstream()
    sub = await af.pull_subscribe_bind(alerts_consumer("af"), stream=EVENTS_STREAM)
    [alert] = await sub.fetch(1, timeout=5)
    await alert.ack_sync()
    assert alert.subject == f"samlad.coordination.gap-detected.v1.{person_ref}.af-fk"
    info = await af.consumer_info(EVENTS_STREAM, alerts_consumer("af"))
    assert info.num_pending == 0


async def _pull_sub(js: JetStreamContext, name: str) -> JetStreamContext.PullSubscription:
    await js.add_stream(name=name, subjects=[f"{name}.>"])
    return await js.pull_subscribe(f"{name}.>", durable=name, stream=name)


class _CountingFetches:
    """Delegates to the real subscription and counts polls, so the test can wait on them."""

    def __init__(self, sub: JetStreamContext.PullSubscription) -> None:
        self._sub = sub
        self.polls = 0
        self.polled_empty_thrice = asyncio.Event()

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:  # noqa: ASYNC109
        self.polls += 1
        if self.polls > 3:
            self.polled_empty_thrice.set()
        return await self._sub.fetch(batch, timeout=timeout)


async def test_fetch_loop_waits_through_empty_polls_and_stops_when_told(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    name = f"LOOP_{new_person_ref()}"
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    sub = _CountingFetches(await _pull_sub(js, name))
    stop = asyncio.Event()
    batches = fetch_batches(sub, batch_size=10, poll_seconds=0.05, stop=stop)  # type: ignore[arg-type]

    async def publish_after_empty_polls() -> None:
        await asyncio.wait_for(sub.polled_empty_thrice.wait(), timeout=5)
        for i in range(25):
            await js.publish(f"{name}.{i}", b"x")

    publishing = asyncio.create_task(publish_after_empty_polls())
    received = await _take(batches, 25)
    await publishing
    stop.set()
    leftover = [batch async for batch in batches]

    assert [msg.subject for msg in received] == [f"{name}.{i}" for i in range(25)]
    assert leftover == []
