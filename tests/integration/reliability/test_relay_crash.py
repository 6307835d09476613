"""The kommun's outbox relay killed mid-stream puts each of 5,000 events on the bus once.

A kommun store is filled with 5,000 contract events (200 persons) before the service
starts; `samlad serve kommun` relays them, is SIGKILLed once the stream holds some but
not all, and is restarted. The stream then holds every event exactly once, each under
the id derived from its notification.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import NotFoundError

from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, EVENTS_STREAM
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.translator import ContractTranslator, integration_event_id
from adapters.store.application import open_application
from contracts.subjects import agency_subjects
from domain.agencies import Gender, InterventionType
from domain.kommun.participant import Participant
from services.kommun.application import KommunApplication
from services.settings import Settings
from tests.waiting import eventually

from .support import EVENTS_PER_PERSON, PERSONS, ServiceProcess, stream_count

TOTAL = PERSONS * EVENTS_PER_PERSON
PER_SAVE = 20  # persons per save: ~500 events in one transaction
KILL_AFTER = 1_200

pytestmark = pytest.mark.slow


def fill_kommun_store(app: KommunApplication) -> set[str]:
    """Each person enrolled, then interventions started and ended; the expected ids."""
    at = datetime.now(UTC) - timedelta(days=1)
    times = {"effective_at": at, "recorded_at": at}
    participants = []
    for _ in range(PERSONS):
        participant = Participant(person_ref=new_person_ref(), **times)
        participant.enrol(kommun="Lund", gender=Gender.MAN, birth_year=1990, target_groups=[],
                          **times)
        for n in range((EVENTS_PER_PERSON - 1) // 2):
            participant.start_intervention(
                intervention_id=f"i{n}", intervention_type=InterventionType.WORK_PLACEMENT,
                **times)
            participant.end_intervention(intervention_id=f"i{n}",
                                         further_support_needed=False, **times)
        participants.append(participant)
    for offset in range(0, PERSONS, PER_SAVE):
        app.save(*participants[offset : offset + PER_SAVE])
    translate = ContractTranslator(agency="kommun", store="kommun",
                                   recorder=app.process_recorder, mapper=app.mapper,
                                   contracts=app.outbox_contracts())
    notifications = app.process_recorder.select_notifications(1, 10 * TOTAL)
    return {
        integration_event_id("kommun", n.id) for n in notifications
        if translate(app.mapper.to_domain_event(n), n.id, None) is not None
    }


async def kommun_message_ids(js: JetStreamContext) -> list[str]:
    """The Nats-Msg-Id of every kommun message on the events stream, repeats included."""
    subscription = await js.pull_subscribe(
        agency_subjects("kommun"), stream=EVENTS_STREAM,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE),
    )
    ids: list[str] = []
    try:
        while True:
            try:
                batch = await subscription.fetch(500, timeout=2)
            except (TimeoutError, NatsTimeoutError, NotFoundError):
                return ids
            ids.extend((message.headers or {}).get("Nats-Msg-Id", "") for message in batch)
    finally:
        await subscription.unsubscribe()


async def test_an_outbox_relay_killed_mid_stream_publishes_every_event_exactly_once(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    settings = Settings(data_dir=tmp_path)
    app = open_application(KommunApplication, settings.store, "kommun")
    try:
        expected = fill_kommun_store(app)
        last_notification = app.process_recorder.max_notification_id() or 0
    finally:
        app.close()
    assert len(expected) == TOTAL

    async with running_nats(tmp_path) as nats:
        admin = await connect(nats.settings, ADMIN)
        js = admin.jetstream(timeout=10)
        kommun = ServiceProcess("kommun", data_dir=tmp_path, nats_url=nats.url)
        try:
            await kommun.start()

            async def batches_published() -> bool:
                # Past the relay's first batches (500 notifications each), inside another.
                return await stream_count(js) >= KILL_AFTER

            await eventually(batches_published, within=60,
                             what=f"{KILL_AFTER} events published", poll=0.005)
            kommun.kill()
            published_before_restart = await stream_count(js)
            assert 0 < published_before_restart < TOTAL, (
                f"killed after {published_before_restart} published")
            # The relay records its position after the broker's acks: what lies between
            # is published again after the restart, and must not land twice.
            record_property("at_kill", {"on_stream": published_before_restart,
                                        "relay_position": _relay_position(settings)})

            await kommun.start()

            async def all_published() -> bool:
                return await stream_count(js) >= TOTAL

            await eventually(all_published, within=60, what="every event published",
                             poll=0.05)
            assert kommun.stop()
            ids = await kommun_message_ids(js)
        finally:
            kommun.ensure_stopped()
            await admin.close()

    relayed_to = _relay_position(settings)
    assert relayed_to == last_notification
    assert len(ids) == TOTAL, f"{len(ids) - len(set(ids))} published twice"
    assert set(ids) == expected


def _relay_position(settings: Settings) -> int:
    app = open_application(KommunApplication, settings.store, "kommun")
    try:
        return app.process_recorder.max_tracking_id("outbox") or 0
    finally:
        app.close()
