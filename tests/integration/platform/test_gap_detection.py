"""The coordination service tells which run of a producer's messages never arrived (invariant 3)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from litestar.testing import AsyncTestClient

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from contracts.common import ContactLost
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from services.coordination.service import create_app
from services.settings import Settings


def _message(person_ref: str, position: int, previous: int | None) -> OutgoingMessage:
    now = datetime.now(UTC)
    spec = REGISTRY.spec("kommun", ContactLost)
    event = ContactLost(person_ref=person_ref, effective_at=now, recorded_at=now)
    event_id = str(uuid.uuid4())
    payload = encode_structured(
        event, spec=spec, id=event_id, source="urn:samlad:kommun", time=now,
        position=position, previous_position=previous,
    )
    return OutgoingMessage(subject_for(spec, person_ref), payload, {"Nats-Msg-Id": event_id})


async def test_a_run_of_positions_published_but_never_received_is_reported_whole(
    tmp_path: Path,
) -> None:
    clock = [datetime.now(UTC)]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        app = create_app(settings, clock=lambda: clock[0])
        async with AsyncTestClient(app) as coordination:
            coordination.headers.update(auth_headers(settings, None, "auditor"))
            client = await connect(nats.settings, "kommun")
            person_ref = new_person_ref()
            # Positions 3 to 5 are lost between the kommun's store and the bus.
            await BatchPublisher(client.jetstream()).publish([
                _message(person_ref, 1, None), _message(person_ref, 2, 1),
                _message(person_ref, 6, 5),
            ])
            await client.close()

            deadline = asyncio.get_running_loop().time() + 10
            while asyncio.get_running_loop().time() < deadline:
                case = (await coordination.get(f"/cases/{person_ref}")).json()
                if case.get("facts") == 3:
                    break
                await asyncio.sleep(0.05)
            assert (await coordination.get("/ops/gaps")).json() == []  # within the grace
            clock[0] += timedelta(minutes=5)
            gaps = (await coordination.get("/ops/gaps")).json()

    assert gaps == [{"producer": "urn:samlad:kommun", "from": 3, "to": 5, "seen_after": 6}]
