"""A stored event that breaks its contract is parked, and the relay goes on."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nats.aio.client import Client

from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.relay import OutboxRelay
from adapters.outbox.translator import ContractTranslator
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from contracts.subjects import (
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    PARKED_BY_OUTBOX,
    deadletter_subject,
)
from domain.agencies import Gender, InterventionType
from domain.kommun.participant import Participant
from services.kommun.application import KommunApplication


async def test_an_event_that_breaks_its_contract_is_dead_lettered_and_later_events_publish(
    tmp_path: Path,
) -> None:
    app = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    now = datetime.now(UTC)
    participant = Participant(person_ref=new_person_ref(), effective_at=now, recorded_at=now)
    # Straight into the domain event: the API's validation would refuse this id.
    participant._intervention_started(
        "id with spaces", InterventionType.WORK_PLACEMENT, now, now
    )
    participant.start_intervention(
        intervention_id="ok-1", intervention_type=InterventionType.WORK_PLACEMENT,
        effective_at=now, recorded_at=now,
    )
    app.save(participant)

    async with running_nats(tmp_path) as nats:
        client = await connect(nats.settings, "kommun")
        relay = OutboxRelay(
            name="outbox", recorder=app.process_recorder, mapper=app.mapper,
            translate=ContractTranslator(
                agency="kommun", store="kommun", recorder=app.process_recorder,
                mapper=app.mapper, contracts=app.outbox_contracts(),
            ),
            publisher=BatchPublisher(client.jetstream()),
            deadletter_subject=deadletter_subject("kommun", PARKED_BY_OUTBOX),
        )
        while await relay.relay_once():
            pass
        await client.close()

        admin = await connect(nats.settings, "admin")
        js = admin.jetstream()
        events = await js.stream_info(EVENTS_STREAM)
        dead = await js.stream_info(DEADLETTER_STREAM)
        parked = await js.get_msg(DEADLETTER_STREAM, 1)
        await admin.close()
    app.close()

    assert events.state.messages == 1  # the valid intervention; Opened stays local
    assert dead.state.messages == 1
    assert parked.subject == "samlad.deadletter.kommun.outbox"
    assert parked.headers is not None
    assert "intervention_id" in parked.headers["Samlad-Reason"]
    await asyncio.sleep(0)


async def test_a_dead_lettered_event_is_not_the_next_messages_previous(tmp_path: Path) -> None:
    app = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    now = datetime.now(UTC)
    participant = Participant(person_ref=new_person_ref(), effective_at=now, recorded_at=now)
    participant.enrol(kommun="Falun", gender=Gender.MAN, birth_year=1980, target_groups=[],
                      effective_at=now, recorded_at=now)
    participant._intervention_started(
        "id with spaces", InterventionType.WORK_PLACEMENT, now, now
    )
    participant.start_intervention(
        intervention_id="ok-1", intervention_type=InterventionType.WORK_PLACEMENT,
        effective_at=now, recorded_at=now,
    )
    app.save(participant)  # 1 Opened (local), 2 enrolled, 3 dead-lettered, 4 started

    async with running_nats(tmp_path) as nats:
        client = await connect(nats.settings, "kommun")
        relay = _relay(app, client)
        while await relay.relay_once():
            pass
        republished = await relay.republish(4, 4)
        await client.close()

        admin = await connect(nats.settings, "admin")
        js = admin.jetstream()
        chain: list[dict[str, Any]] = []
        for seq in (1, 2):
            data = (await js.get_msg(EVENTS_STREAM, seq)).data
            assert data is not None
            chain.append(json.loads(data))
        await admin.close()
    app.close()

    assert [(e["samladposition"], e.get("samladprevposition")) for e in chain] == [
        (2, None), (4, 2)
    ]
    assert republished == 1


def _relay(app: KommunApplication, client: Client) -> OutboxRelay:
    return OutboxRelay(
        name="outbox", recorder=app.process_recorder, mapper=app.mapper,
        translate=ContractTranslator(
            agency="kommun", store="kommun", recorder=app.process_recorder, mapper=app.mapper,
            contracts=app.outbox_contracts(),
        ),
        publisher=BatchPublisher(client.jetstream()),
        deadletter_subject=deadletter_subject("kommun", PARKED_BY_OUTBOX),
    )
