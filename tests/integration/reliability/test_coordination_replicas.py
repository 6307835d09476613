"""Two coordination replicas on one PostgreSQL store: every background job has one owner.

The replicas split the partitions (``SAMLAD_PARTITIONS_OWNED``) and compete for the
leases of the singleton jobs (alert outbox, deadline reviewer). Each alert is published
once (a core-NATS subscriber sees every publish, duplicates the stream would drop
included), no replica logs an IntegrityError, and SIGKILL of the lease holder hands its
jobs to the other replica. Starting replicas together on an empty database is safe.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import psycopg
import pytest
from nats.aio.msg import Msg

from adapters.nats.connection import connect
from adapters.nats.lease import lease_bucket, lease_key
from adapters.nats.names import ADMIN, EVENTS_STREAM, stored_partition
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, provision_streams, running_nats
from contracts.common import HandOffRequested
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from services.coordination.application import CoordinationApplication
from services.coordination.service import open_coordination
from services.settings import Settings
from tests.waiting import eventually

from .support import ServiceProcess

LEASE_TTL = 3.0
PERSONS = 16
OWNED = {"a": "0,1", "b": "2,3"}

pytestmark = pytest.mark.slow


def overdue_hand_off(person_ref: str) -> tuple[OutgoingMessage, str]:
    """A hand-off requested nine days ago: its alert is raised as soon as it is applied."""
    at = datetime.now(UTC) - timedelta(days=9)
    event = HandOffRequested(person_ref=person_ref, effective_at=at, recorded_at=at,
                             hand_off_id=f"h-{person_ref}", to_agency="af", reason="matchning")
    spec = REGISTRY.spec("kommun", type(event))
    event_id = str(uuid.uuid4())
    payload = encode_structured(event, spec=spec, id=event_id, source="urn:samlad:kommun",
                                time=at)
    return OutgoingMessage(subject_for(spec, person_ref), payload,
                           {"Nats-Msg-Id": event_id}), event_id


def alert_person(message: Msg) -> str:
    return str(msgspec.json.decode(message.data)["data"]["person_ref"])


async def test_two_replicas_publish_each_alert_once_and_a_killed_holder_hands_its_jobs_on(
    tmp_path: Path, postgres_url: str, schema_namespace: str
) -> None:
    async with running_nats(tmp_path, provisioned=False) as nats:
        settings = msgspec.structs.replace(nats.settings, lease_ttl=LEASE_TTL)
        await provision_streams(settings)
        admin = await connect(settings, ADMIN)
        js = admin.jetstream(timeout=10)
        published: list[Msg] = []

        async def seen(message: Msg) -> None:
            if ".alert-raised." in message.subject:
                published.append(message)

        await admin.subscribe("samlad.coordination.>", cb=seen)
        replicas = {
            name: ServiceProcess(
                "coordination", data_dir=tmp_path, nats_url=nats.url, label=f"coordination-{name}",
                env={"SAMLAD_DATABASE_URL": postgres_url,
                     "SAMLAD_DATABASE_NAMESPACE": schema_namespace,
                     "SAMLAD_PARTITIONS_OWNED": owned,
                     "SAMLAD_NATS_LEASE_TTL": str(LEASE_TTL)},
            )
            for name, owned in OWNED.items()
        }
        kommun = await connect(settings, "kommun")
        try:
            # Together, on an empty schema: both must come up.
            await asyncio.gather(*(replica.start() for replica in replicas.values()))
            publisher = BatchPublisher(kommun.jetstream())

            async def hand_offs(count: int) -> dict[str, int]:
                """Person → the partition the stream put its hand-off in."""
                messages = [overdue_hand_off(new_person_ref())[0] for _ in range(count)]
                acks = await publisher.publish(messages)
                partitions = {}
                for message, ack in zip(messages, acks, strict=True):
                    stored = await js.get_msg(EVENTS_STREAM, ack.seq)
                    assert stored.subject is not None
                    partitions[message.subject.split(".")[-1]] = stored_partition(stored.subject)
                return partitions

            first = await hand_offs(PERSONS)

            def raised_for(persons: set[str]) -> Callable[[], Awaitable[bool]]:
                async def check() -> bool:
                    return persons <= {alert_person(m) for m in published}

                return check

            await eventually(raised_for(set(first)), within=30,
                             what="an alert for every overdue hand-off")
            await admin.flush()
            twice = {p: n for p, n in Counter(alert_person(m) for m in published).items()
                     if n > 1}
            assert not twice, f"alerts published more than once: {twice}"

            holder = (await lease_bucket(js).get(lease_key("coordination", "alert-outbox"))).value
            assert holder is not None
            pid = int(holder.decode().split(":")[1])
            killed = next(n for n, r in replicas.items() if r.process.pid == pid)
            survivor = next(n for n in replicas if n != killed)
            replicas[killed].kill()

            second = await hand_offs(PERSONS)
            survivor_partitions = {int(p) for p in OWNED[survivor].split(",")}
            theirs = {p for p, partition in second.items() if partition in survivor_partitions}
            assert theirs, "no person fell in the surviving replica's partitions"
            await eventually(raised_for(theirs), within=4 * LEASE_TTL + 20,
                             what="the survivor taking over the alert outbox")

            await replicas[killed].start()
            await eventually(raised_for(set(second)), within=30,
                             what="the restarted replica's partitions alerted too")
        finally:
            for replica in replicas.values():
                replica.ensure_stopped()
            await asyncio.gather(kommun.close(), admin.close())

    for replica in replicas.values():
        for log in replica.log_path.parent.glob(f"{replica.label}-*.log"):
            text = log.read_text(errors="replace")
            assert "IntegrityError" not in text, f"{log.name}:\n{text[-3000:]}"
            assert "UniqueViolation" not in text, f"{log.name}:\n{text[-3000:]}"


@pytest.mark.parametrize("attempt", range(3))
def test_replicas_starting_together_on_an_empty_database_both_start(
    attempt: int, tmp_path: Path, postgres_url: str, schema_namespace: str
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url,
                        database_namespace=f"{schema_namespace}{attempt}_")
    barrier = threading.Barrier(3)
    opened: list[CoordinationApplication] = []
    failures: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(open_coordination(settings))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for application in opened:
        application.close()
    assert not failures, failures
    assert len(opened) == 3
    with psycopg.connect(postgres_url) as conn:
        schemas = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE %s",
                               (f"{schema_namespace}{attempt}_%",)).fetchone()
    assert schemas == (1,)
