"""The stream appends the person_ref's partition to every stored event subject."""

from __future__ import annotations

from adapters.nats.names import EVENTS_STREAM, stored_partition
from adapters.nats.testing import Connect, RunningNats, new_person_ref


async def _stored_subject(
    nats_env: RunningNats, connect_as: Connect, service: str, subject: str
) -> str:
    publisher = (await connect_as(nats_env.settings, service)).jetstream(timeout=5)
    admin = (await connect_as(nats_env.settings, "admin")).jetstream(timeout=5)
    ack = await publisher.publish(subject, b"{}")
    return (await admin.get_msg(EVENTS_STREAM, ack.seq)).subject or ""


async def test_a_published_event_is_stored_with_a_sixth_partition_token(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    subject = f"samlad.af.x.v1.{person_ref}"
    stored = await _stored_subject(nats_env, connect_as, "af", subject)
    assert stored.rsplit(".", 1)[0] == subject
    assert 0 <= stored_partition(stored) < nats_env.settings.partitions


async def test_one_person_lands_in_one_partition_whoever_publishes(
    nats_env: RunningNats, connect_as: Connect, person_ref: str
) -> None:
    partitions = {
        stored_partition(
            await _stored_subject(
                nats_env, connect_as, agency, f"samlad.{agency}.e.v1.{person_ref}"
            )
        )
        for agency in ("kommun", "af", "fk", "region", "af")
    }
    assert len(partitions) == 1


async def test_persons_spread_over_all_partitions(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    seen = {
        stored_partition(
            await _stored_subject(nats_env, connect_as, "kommun", f"samlad.kommun.e.v1.{ref}")
        )
        for ref in (new_person_ref() for _ in range(64))
    }
    assert seen == set(range(nats_env.settings.partitions))
