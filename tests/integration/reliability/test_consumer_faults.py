"""Store faults under the coordination consumer: retried, never dead-lettered, applied once.

The consumers run in this process on a real nats-server and a real store; the fault is
injected into the store (a commit that fails as ``database is locked``, PostgreSQL
backends terminated mid-stream) or into the bus (a message fetched and never acked).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from adapters.nats.connection import connect
from adapters.nats.names import COORDINATION, EVENTS_STREAM, coordination_consumer
from adapters.nats.testing import running_nats
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from adapters.store.testing import postgres_outage
from services.coordination.application import CoordinationApplication
from services.coordination.recorders import recorder_env
from tests.waiting import eventually

from .faults import FLAKY_COMMITS_TOPIC, CommitPlan, FlakyCommits, abandon_one
from .support import (
    admin_and_kommun,
    applied_in_store,
    assert_applied_exactly_once,
    consuming,
    dead_letter_count,
    kommun_messages,
    until_all_acked,
)

FINISH_WITHIN_SECONDS = 60.0
SHORT_ACK_WAIT_SECONDS = 1.0
OUTAGE_SECONDS = 3.0


async def test_a_commit_failing_as_database_is_locked_is_retried_and_nothing_is_dead_lettered(
    tmp_path: Path,
) -> None:
    # The batch commit fails, then the next two attempts: long enough that a consumer
    # which falls back to applying one by one would park the first message. One
    # partition, so the failing commits are one consumer's, in a row.
    FlakyCommits.plan = plan = CommitPlan(first=2, times=3)
    messages, event_ids = kommun_messages(persons=20, per_person=10)
    app = open_application(
        CoordinationApplication, StoreSettings(data_dir=tmp_path / "stores"), "coordination",
        PROCESS_RECORDER_TOPIC=FLAKY_COMMITS_TOPIC,
    )
    try:
        async with (running_nats(tmp_path, partitions=1) as nats,
                    admin_and_kommun(nats.settings) as (js, publisher)):
            await publisher.publish(messages)
            async with consuming(nats.settings, app, batch_size=20) as tasks:
                await until_all_acked(js, tasks, nats.settings.partitions,
                                      within=FINISH_WITHIN_SECONDS)
            assert plan.failed == 3
            assert await dead_letter_count(js) == 0
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()


async def test_a_batch_retried_longer_than_ack_wait_stays_with_its_consumer(
    tmp_path: Path,
) -> None:
    # Six failed commits in a row back off for ~3 s, three times the ack_wait: only
    # in_progress() keeps JetStream from delivering the batch again meanwhile.
    FlakyCommits.plan = plan = CommitPlan(first=1, times=6)
    messages, event_ids = kommun_messages(persons=5, per_person=4)
    app = open_application(
        CoordinationApplication, StoreSettings(data_dir=tmp_path / "stores"), "coordination",
        PROCESS_RECORDER_TOPIC=FLAKY_COMMITS_TOPIC,
    )
    try:
        async with (running_nats(tmp_path, partitions=1, ack_wait=SHORT_ACK_WAIT_SECONDS)
                    as nats, admin_and_kommun(nats.settings) as (js, publisher)):
            await publisher.publish(messages)
            # Another replica pulls from the same consumer while the batch is retried.
            replica = await connect(nats.settings, COORDINATION)
            pulling = await replica.jetstream().pull_subscribe_bind(
                coordination_consumer(0), stream=EVENTS_STREAM)
            async with consuming(nats.settings, app) as tasks:

                async def retrying() -> bool:
                    return plan.failed >= 1

                await eventually(retrying, within=FINISH_WITHIN_SECONDS, what="a retry")
                with pytest.raises(TimeoutError):
                    await pulling.fetch(1, timeout=3 * SHORT_ACK_WAIT_SECONDS)
                await until_all_acked(js, tasks, nats.settings.partitions,
                                      within=FINISH_WITHIN_SECONDS)
            await pulling.unsubscribe()
            await replica.close()
            info = await js.consumer_info(EVENTS_STREAM, coordination_consumer(0))
            assert plan.failed == 6
            assert info.num_redelivered == 0
            assert await dead_letter_count(js) == 0
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()


@pytest.mark.slow
async def test_postgres_connections_terminated_mid_stream_lose_and_double_nothing(
    tmp_path: Path, postgres_url: str, schema_namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # libpq names every connection this process opens: the ones to terminate.
    application_name = f"samlad-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PGAPPNAME", application_name)
    messages, event_ids = kommun_messages(persons=100, per_person=20)
    store = StoreSettings(data_dir=tmp_path / "stores", database_url=postgres_url,
                          namespace=schema_namespace)
    app = open_application(CoordinationApplication, store, "coordination",
                           init=None, **recorder_env(postgres=True))
    try:
        async with (running_nats(tmp_path) as nats,
                    admin_and_kommun(nats.settings) as (js, publisher)):
            await publisher.publish(messages)
            async with consuming(nats.settings, app, batch_size=25) as tasks:

                async def some_applied() -> int:
                    return applied_in_store(app)

                applied = await eventually(some_applied, within=FINISH_WITHIN_SECONDS,
                                           what="some events applied")
                assert applied < len(messages), "the stream was already done"
                # Longer than eventsourcing's own retries (10 x 0.2 s) ride out.
                assert await postgres_outage(postgres_url, application_name, OUTAGE_SECONDS) > 0
                await until_all_acked(js, tasks, nats.settings.partitions,
                                      within=FINISH_WITHIN_SECONDS)
            assert await dead_letter_count(js) == 0
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()


async def test_a_message_fetched_and_abandoned_is_applied_after_later_ones(
    tmp_path: Path,
) -> None:
    messages, event_ids = kommun_messages(persons=1, per_person=6)
    app = open_application(
        CoordinationApplication, StoreSettings(data_dir=tmp_path / "stores"), "coordination",
        init=None, **recorder_env(postgres=False),
    )
    try:
        async with (running_nats(tmp_path, ack_wait=SHORT_ACK_WAIT_SECONDS) as nats,
                    admin_and_kommun(nats.settings) as (js, publisher)):
            # A coordination process fetches the first message and dies without acking.
            thief = await connect(nats.settings, COORDINATION)
            await publisher.publish(messages[:1])
            durables = [coordination_consumer(p) for p in range(nats.settings.partitions)]
            _, abandoned = await abandon_one(thief, durables)
            await publisher.publish(messages[1:])
            async with consuming(nats.settings, app) as tasks:

                async def later_applied() -> bool:
                    return applied_in_store(app) >= len(messages) - 1

                await eventually(later_applied, within=FINISH_WITHIN_SECONDS,
                                 what="the later messages applied")
                await until_all_acked(js, tasks, nats.settings.partitions,
                                      within=FINISH_WITHIN_SECONDS)
            assert abandoned.metadata.num_delivered == 1
            await thief.close()
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()
