"""Batches publish concurrently; the same Nats-Msg-Id is stored once."""

from __future__ import annotations

import time
import uuid

import pytest
from nats.js import JetStreamContext

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
