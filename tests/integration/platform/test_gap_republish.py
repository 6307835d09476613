"""A message lost between an agency and the shared case is asked for again and arrives:
by an operator (`samlad outbox republish`), and unasked, by the coordination service,
which asks the producing agency on its control subject once the gap outlasts its grace."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from nats.js import JetStreamContext

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.refill import answer_republish
from adapters.outbox.translator import integration_event_id
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from domain.agencies import Gender, InterventionType
from domain.kommun.participant import Participant
from services.agency.service import agency_outbox
from services.coordination.gaps import REFILL_POLL_SECONDS
from services.coordination.service import create_app
from services.kommun.application import KommunApplication
from services.settings import Settings
from tests.waiting import eventually


class LosingSome:
    """A bus that loses some messages on the way (as a disk lost with an R1 stream would)."""

    def __init__(self, publisher: BatchPublisher, lost_ids: set[str]) -> None:
        self._publisher = publisher
        self._lost_ids = lost_ids

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[Any]:
        kept = [m for m in messages if m.headers["Nats-Msg-Id"] not in self._lost_ids]
        return await self._publisher.publish(kept)


class Scene(msgspec.Struct, kw_only=True):
    """The kommun's store with one person, relayed with some positions lost; the shared
    case behind ``http`` (as an auditor), on a clock the test moves."""

    kommun: KommunApplication
    person_ref: str
    http: AsyncTestClient[Any]
    client: Client
    js: JetStreamContext
    clock: list[datetime]

    async def facts(self) -> int:
        response = await self.http.get(f"/cases/{self.person_ref}")
        return int(response.json()["facts"]) if response.status_code == 200 else 0

    async def until_facts(self, wanted: int, *, within: float = 10) -> None:
        async def reached() -> bool:
            return await self.facts() == wanted

        await eventually(reached, within=within, what=f"{wanted} facts in the case")


@asynccontextmanager
async def lost_on_the_way(
    tmp_path: Path, *, interventions: int, lost: Sequence[int]
) -> AsyncIterator[Scene]:
    """Positions: 1 Opened (local), 2 enrolled, 3 on started; ``lost`` never arrive."""
    now = datetime.now(UTC)
    kommun, person_ref = _kommun_with_one_person(tmp_path, now, interventions=interventions)
    clock = [now]
    try:
        async with running_nats(tmp_path) as nats:
            settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
            async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as http:
                http.headers.update(auth_headers(settings, None, "auditor"))
                client = await connect(nats.settings, "kommun")
                js = client.jetstream()
                lost_ids = {integration_event_id("kommun", position) for position in lost}
                lossy = agency_outbox(kommun, js, LosingSome(BatchPublisher(js), lost_ids))
                while await lossy.relay_once():
                    pass
                try:
                    yield Scene(
                        kommun=kommun,
                        person_ref=person_ref,
                        http=http,
                        client=client,
                        js=js,
                        clock=clock,
                    )
                finally:
                    await client.close()
    finally:
        kommun.close()


async def test_a_reported_gap_is_closed_by_republishing_from_the_agency_store(
    tmp_path: Path,
) -> None:
    async with lost_on_the_way(tmp_path, interventions=2, lost=[3]) as scene:
        await scene.until_facts(2)
        scene.clock[0] += timedelta(minutes=5)
        gaps = (await scene.http.get("/ops/gaps")).json()

        outbox = agency_outbox(scene.kommun, scene.js)
        republished = await outbox.republish(gaps[0]["from"], gaps[0]["to"])
        await scene.until_facts(3)
        after = (await scene.http.get("/ops/gaps")).json()

    assert gaps == [{"producer": "urn:samlad:kommun", "from": 3, "to": 3, "seen_after": 4}]
    assert republished == 1
    assert after == []


async def test_a_lost_run_is_asked_for_and_republished_without_an_operator(
    tmp_path: Path,
) -> None:
    async with lost_on_the_way(tmp_path, interventions=4, lost=[3, 4]) as scene:
        # What the kommun service runs beside its relay.
        stop = asyncio.Event()
        serving = asyncio.create_task(
            answer_republish(scene.client, "kommun", agency_outbox(scene.kommun, scene.js), stop)
        )
        try:
            await scene.until_facts(3)
            scene.clock[0] += timedelta(minutes=5)  # the gap outlasts its grace
            await scene.until_facts(5, within=REFILL_POLL_SECONDS * 3 + 10)
            after = (await scene.http.get("/ops/gaps")).json()
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await serving

    assert after == []


def _kommun_with_one_person(
    tmp_path: Path, now: datetime, *, interventions: int
) -> tuple[KommunApplication, str]:
    kommun = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    person_ref = new_person_ref()
    participant = Participant(person_ref=person_ref, effective_at=now, recorded_at=now)
    participant.enrol(
        kommun="Falun",
        gender=Gender.MAN,
        birth_year=1980,
        target_groups=[],
        effective_at=now,
        recorded_at=now,
    )
    for n in range(1, interventions + 1):
        participant.start_intervention(
            intervention_id=f"i{n}",
            intervention_type=InterventionType.WORK_PLACEMENT,
            effective_at=now,
            recorded_at=now,
        )
    kommun.save(participant)
    return kommun, person_ref
