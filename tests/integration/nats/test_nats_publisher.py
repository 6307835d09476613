"""Batches publish atomically and in order; the same Nats-Msg-Id is stored once."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from adapters.nats.names import EVENTS_STREAM
from adapters.nats.publisher import BatchPublisher, BatchPublishError, OutgoingMessage
from adapters.nats.testing import Connect, RunningNats, new_person_ref


def _message(subject: str, **headers: str) -> OutgoingMessage:
    return OutgoingMessage(
        subject=subject, payload=b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4()), **headers}
    )


async def _own_stream(js: JetStreamContext) -> str:
    name = f"PUB_{uuid.uuid4().hex}"
    await js.add_stream(name=name, subjects=[f"{name}.>"], duplicate_window=600)
    return name


async def test_the_same_message_id_is_stored_once(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    af = (await connect_as(nats_env.settings, "af")).jetstream()
    subject = f"samlad.af.hand-off-requested.v1.{person_ref}"
    headers = {"Nats-Msg-Id": str(uuid.uuid4())}
    first = await af.publish(subject, b"{}", headers=dict(headers))
    again = await af.publish(subject, b"{}", headers=dict(headers))

    admin = (await connect_as(nats_env.settings, "admin")).jetstream()
    info = await admin.stream_info(EVENTS_STREAM, subjects_filter=f"{subject}.*")
    assert not first.duplicate
    assert again.duplicate
    assert again.seq == first.seq
    assert sum((info.state.subjects or {}).values()) == 1


async def test_a_batch_is_acknowledged_in_order_and_republishing_it_stores_nothing(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    stream = await _own_stream(js)
    batch = [_message(f"{stream}.{i}", traceparent=f"00-{i:032x}-{i:016x}-01") for i in range(50)]
    publisher = BatchPublisher(js, expected_stream=stream)

    acks = await publisher.publish(batch)
    again = await publisher.publish(batch)

    assert [ack.seq for ack in acks] == list(range(1, 51))
    assert all(ack.duplicate for ack in again)
    stored = await js.get_msg(stream, 7)
    assert stored.headers is not None
    assert stored.headers["traceparent"] == batch[6].headers["traceparent"]


async def test_unacknowledged_messages_are_reported_with_the_acknowledged_prefix(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    stream = await _own_stream(js)
    batch = [_message(f"{stream}.a"), _message(f"{stream}.b"), _message("nowhere.c")]
    publisher = BatchPublisher(js, attempt_timeout=0.3, retry_for=0.5)

    with pytest.raises(BatchPublishError) as raised:
        await publisher.publish(batch)

    assert raised.value.acknowledged_prefix == 2
    assert set(raised.value.errors) == {2}


async def test_a_message_without_an_id_is_refused(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    with pytest.raises(ValueError, match="Nats-Msg-Id"):
        await BatchPublisher(js).publish([OutgoingMessage("x.y", b"", {})])


async def test_batch_publisher_throughput(nats_env: RunningNats, connect_as: Connect) -> None:
    kommun = (await connect_as(nats_env.settings, "kommun")).jetstream()
    batch = [_message(f"samlad.kommun.bench.v1.{new_person_ref()}") for _ in range(5_000)]
    publisher = BatchPublisher(kommun, expected_stream=EVENTS_STREAM)

    started = time.perf_counter()
    acks = await publisher.publish(batch)
    elapsed = time.perf_counter() - started

    # Reported, not asserted: timing depends on the machine (fsync on every write).
    print(f"\nbatch publisher: {len(acks)} msgs in {elapsed:.2f}s = {len(acks) / elapsed:,.0f}/s")
    assert len({ack.seq for ack in acks}) == len(batch)


class DroppingFirstSend:
    """A network blip: the first send of one message id never reaches the server."""

    def __init__(self, client: Any, msg_id: str) -> None:
        self._publish = client.publish
        self._msg_id = msg_id
        self.dropped = 0
        client.publish = self

    async def __call__(self, subject: str, payload: bytes = b"", **kwargs: Any) -> None:
        headers = kwargs.get("headers") or {}
        if not self.dropped and headers.get("Nats-Msg-Id") == self._msg_id:
            self.dropped += 1
            return
        await self._publish(subject, payload, **kwargs)


async def test_a_retried_message_keeps_its_place_among_one_persons_events(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    client = await connect_as(nats_env.settings, "admin")
    js = client.jetstream()
    name = f"PUB_{uuid.uuid4().hex}"
    await js.add_stream(StreamConfig(name=name, subjects=[f"{name}.>"], duplicate_window=600,
                                     allow_atomic=True))
    batch = [_message(f"{name}.person") for _ in range(100)]
    blip = DroppingFirstSend(client, batch[40].headers["Nats-Msg-Id"])

    await BatchPublisher(js, attempt_timeout=0.5).publish(batch)

    stored = [(await js.get_msg(name, seq)).headers or {} for seq in range(1, 101)]
    assert blip.dropped == 1
    assert [h["Nats-Msg-Id"] for h in stored] == [m.headers["Nats-Msg-Id"] for m in batch]
    assert (await js.stream_info(name)).state.messages == 100


async def test_a_batch_holding_stored_ids_is_published_again_without_doubling(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    name = f"PUB_{uuid.uuid4().hex}"
    await js.add_stream(StreamConfig(name=name, subjects=[f"{name}.>"], duplicate_window=600,
                                     allow_atomic=True))
    batch = [_message(f"{name}.person") for _ in range(300)]
    publisher = BatchPublisher(js)
    await publisher.publish(batch[:120])
    await publisher.publish(batch[200:220])  # a stretch further on, stored out of turn

    acks = await publisher.publish(batch)  # rejected whole (10201), then sorted out

    assert [ack.duplicate for ack in acks[:120]] == [True] * 120
    assert not any(ack.duplicate for ack in acks[120:200])
    assert all(ack.duplicate for ack in acks[200:220])
    assert (await js.stream_info(name)).state.messages == 300
    stored = [(await js.get_msg(name, seq)).headers or {} for seq in range(1, 301)]
    assert len({h["Nats-Msg-Id"] for h in stored}) == 300
