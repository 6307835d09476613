"""A stored event that breaks its contract is parked, and the relay goes on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from adapters.nats.connection import connect
from adapters.nats.names import DEADLETTER_STREAM, EVENTS_STREAM, deadletter_subject
from adapters.nats.publisher import BatchPublisher
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.relay import OutboxRelay
from adapters.outbox.translator import ContractTranslator
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from domain.kommun.participant import Participant
from services.kommun.application import KommunApplication


async def test_an_event_that_breaks_its_contract_is_dead_lettered_and_later_events_publish(
    tmp_path: Path,
) -> None:
    app = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    now = datetime.now(UTC)
    participant = Participant(person_ref=new_person_ref(), effective_at=now, recorded_at=now)
    # Straight into the domain event: the API's validation would refuse this id.
    participant._intervention_started("id with spaces", "praktik", now, now)
    participant.start_intervention(
        intervention_id="ok-1", intervention_type="praktik", effective_at=now, recorded_at=now
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
            deadletter_subject=deadletter_subject("kommun"),
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
    assert parked.headers is not None
    assert "intervention_id" in parked.headers["Samlad-Reason"]
    await asyncio.sleep(0)
