"""A hand-off fetched by an agency process that died still reaches the agency.

AF's inbound consumer is fetched from by a process that never acks (it died); a later
hand-off is recorded by the running AF service, past the abandoned one's position; after
ack_wait the abandoned hand-off is redelivered and must be recorded, not skipped, so AF
can accept it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from litestar.testing import AsyncTestClient

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import handoffs_consumer
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from contracts.common import HandOffRequested
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from services.af.app import create_app
from services.settings import Settings
from tests.waiting import eventually

from .faults import abandon_one

SHORT_ACK_WAIT_SECONDS = 1.0
WITHIN_SECONDS = 30.0


def _hand_off(person_ref: str, hand_off_id: str, position: int) -> OutgoingMessage:
    now = datetime.now(UTC)
    spec = REGISTRY.spec("kommun", HandOffRequested)
    event = HandOffRequested(person_ref=person_ref, effective_at=now, recorded_at=now,
                             hand_off_id=hand_off_id, to_agency="af", reason="Matchning")
    event_id = str(uuid.uuid4())
    payload = encode_structured(event, spec=spec, id=event_id, source="urn:samlad:kommun",
                                time=now, position=position, previous_position=None)
    return OutgoingMessage(subject_for(spec, person_ref), payload, {"Nats-Msg-Id": event_id})


async def test_a_hand_off_fetched_and_abandoned_reaches_af_after_a_later_one_and_is_accepted(
    tmp_path: Path,
) -> None:
    first, later = new_person_ref(), new_person_ref()
    async with running_nats(tmp_path, ack_wait=SHORT_ACK_WAIT_SECONDS) as nats:
        kommun = await connect(nats.settings, "kommun")
        dead_af = await connect(nats.settings, "af")
        publisher = BatchPublisher(kommun.jetstream(timeout=10))
        await publisher.publish([_hand_off(first, "ho-abandoned", 1)])
        _, abandoned = await abandon_one(dead_af, [handoffs_consumer("af")])
        await publisher.publish([_hand_off(later, "ho-later", 2)])

        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        async with AsyncTestClient(create_app(settings)) as af:
            af.headers.update(auth_headers(settings, "af"))

            async def received(person_ref: str, hand_off_id: str) -> bool:
                response = await af.get(f"/persons/{person_ref}")
                return response.status_code == 200 and hand_off_id in response.json()[
                    "incoming_hand_offs"]

            async def later_received() -> bool:
                return await received(later, "ho-later")

            async def abandoned_received() -> bool:
                return await received(first, "ho-abandoned")

            await eventually(later_received, within=WITHIN_SECONDS, what="the later hand-off")
            await eventually(abandoned_received, within=WITHIN_SECONDS,
                             what="the abandoned hand-off, redelivered")
            accepted = await af.post(f"/persons/{first}/hand-offs/ho-abandoned/accept", json={})
            assert accepted.status_code == 200, accepted.text
        assert abandoned.metadata.num_delivered == 1
        await dead_af.close()
        await kommun.close()
