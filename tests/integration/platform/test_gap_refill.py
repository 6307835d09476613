"""A run of messages lost between an agency and the shared case is refilled unasked.

The coordination service notices the gap once it outlasts the grace, asks the kommun
on its control subject, and the kommun republishes the run from its store: the case
becomes complete without `samlad outbox republish`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.refill import answer_republish
from adapters.outbox.translator import integration_event_id
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from domain.kommun.participant import Participant
from services.agency.service import agency_outbox
from services.coordination.gaps import REFILL_POLL_SECONDS
from services.coordination.service import create_app
from services.kommun.application import KommunApplication
from services.settings import Settings


class LosingSome:
    """A bus that loses some messages on the way (as a disk lost with an R1 stream would)."""

    def __init__(self, publisher: BatchPublisher, lost_ids: set[str]) -> None:
        self._publisher = publisher
        self._lost_ids = lost_ids

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[Any]:
        kept = [m for m in messages if m.headers["Nats-Msg-Id"] not in self._lost_ids]
        return await self._publisher.publish(kept)


async def test_a_lost_run_is_asked_for_and_republished_without_an_operator(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    kommun = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    person_ref = new_person_ref()
    participant = Participant(person_ref=person_ref, effective_at=now, recorded_at=now)
    participant.enrol(kommun="Falun", gender="man", birth_year=1980, target_groups=[],
                      effective_at=now, recorded_at=now)
    for n in range(1, 5):
        participant.start_intervention(intervention_id=f"i{n}", intervention_type="praktik",
                                       effective_at=now, recorded_at=now)
    kommun.save(participant)  # 1 Opened (local), 2 enrolled, 3 to 6 started

    clock = [now]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as http:
            http.headers.update(auth_headers(settings, None, "auditor"))
            client = await connect(nats.settings, "kommun")
            js = client.jetstream()
            lost = {integration_event_id("kommun", 3), integration_event_id("kommun", 4)}
            lossy = agency_outbox(kommun, js, LosingSome(BatchPublisher(js), lost))
            while await lossy.relay_once():
                pass
            # What the kommun service runs beside its relay.
            stop = asyncio.Event()
            serving = asyncio.create_task(
                answer_republish(client, "kommun", agency_outbox(kommun, js), stop)
            )

            async def facts() -> int:
                response = await http.get(f"/cases/{person_ref}")
                return int(response.json()["facts"]) if response.status_code == 200 else 0

            try:
                await _until(facts, 3, within=10)
                clock[0] += timedelta(minutes=5)  # the gap outlasts its grace
                await _until(facts, 5, within=REFILL_POLL_SECONDS * 3 + 10)
                after = (await http.get("/ops/gaps")).json()
            finally:
                stop.set()
                with contextlib.suppress(Exception):
                    await serving
                await client.close()
    kommun.close()

    assert after == []


async def _until(probe: Any, wanted: int, *, within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while await probe() != wanted:
        assert asyncio.get_running_loop().time() < deadline, f"never reached {wanted}"
        await asyncio.sleep(0.05)
