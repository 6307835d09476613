"""Each service publishes only its own events; violations store nothing (issue 8)."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig
from nats.js.errors import NotFoundError

from adapters.nats.names import EVENTS_STREAM
from adapters.nats.testing import Connect, RunningNats

# A forbidden JetStream publish gets no answer; wait that long for it, not the default 5 s.
DENIED_WAIT = 0.5


async def _stored_count(admin: Client, subject_filter: str) -> int:
    info = await admin.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject_filter)
    return sum((info.state.subjects or {}).values())


async def _assert_denied(
    nats_env: RunningNats, connect_as: Connect, service: str, subject: str
) -> None:
    reported: list[Exception] = []
    arrived = asyncio.Event()

    async def on_error(error: Exception) -> None:
        reported.append(error)
        arrived.set()

    client = await connect_as(nats_env.settings, service, on_error=on_error)
    admin = await connect_as(nats_env.settings, "admin")
    with pytest.raises(NatsTimeoutError):
        await client.jetstream().publish(subject, b"{}", timeout=DENIED_WAIT)
    # The server reports the violation asynchronously, to error_cb and last_error.
    await asyncio.wait_for(arrived.wait(), timeout=5)
    assert "permissions violation" in str(reported[0]).lower()
    assert subject in str(reported[0])
    assert client.last_error is reported[0]
    assert await _stored_count(admin, f"{subject}.>") == 0


async def test_an_agency_publishes_its_own_events(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    af = await connect_as(nats_env.settings, "af")
    ack = await af.jetstream().publish(f"samlad.af.hand-off-requested.v1.{person_ref}", b"{}")
    assert ack.stream == EVENTS_STREAM


async def test_af_cannot_publish_an_fk_event(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    await _assert_denied(nats_env, connect_as, "af", f"samlad.fk.decision-made.v1.{person_ref}")


async def test_coordination_cannot_publish_on_kommun_subjects(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    await _assert_denied(
        nats_env, connect_as, "coordination", f"samlad.kommun.plan-made.v1.{person_ref}"
    )


async def test_an_agency_cannot_choose_the_partition_itself(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    # Six tokens would bypass the stream's partition transform.
    await _assert_denied(nats_env, connect_as, "region", f"samlad.region.e.v1.{person_ref}.0")


async def test_an_agency_cannot_create_consumers(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    kommun = await connect_as(nats_env.settings, "kommun")
    with pytest.raises(NatsTimeoutError):
        await kommun.jetstream(timeout=DENIED_WAIT).add_consumer(
            EVENTS_STREAM, ConsumerConfig(durable_name="sneaky", filter_subject="samlad.fk.>")
        )
    admin = await connect_as(nats_env.settings, "admin")
    with pytest.raises(NotFoundError):
        await admin.jetstream().consumer_info(EVENTS_STREAM, "sneaky")


async def test_audit_reads_stored_events_by_sequence_but_publishes_none(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    fk = await connect_as(nats_env.settings, "fk")
    ack = await fk.jetstream().publish(f"samlad.fk.decision-made.v1.{person_ref}", b"{}")
    audit = await connect_as(nats_env.settings, "audit")
    stored = await audit.jetstream().get_msg(EVENTS_STREAM, ack.seq)
    assert (stored.subject or "").startswith(f"samlad.fk.decision-made.v1.{person_ref}.")
    await _assert_denied(nats_env, connect_as, "audit", f"samlad.fk.forged.v1.{person_ref}")
