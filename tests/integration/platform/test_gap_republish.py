"""A message lost between an agency and the shared case is asked for again and arrives:
by an operator (`samlad outbox republish`), and unasked, by the coordination service,
which asks the producing agency on its control subject once the gap outlasts its grace."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import EVENTS_STREAM
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.refill import answer_republish
from adapters.outbox.relay import OutboxRelay
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


class LosingSome:
    """A bus that loses some messages on the way (as a disk lost with an R1 stream would)."""

    def __init__(self, publisher: BatchPublisher, lost_ids: set[str]) -> None:
        self._publisher = publisher
        self._lost_ids = lost_ids

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[Any]:
        kept = [m for m in messages if m.headers["Nats-Msg-Id"] not in self._lost_ids]
        return await self._publisher.publish(kept)


async def test_a_reported_gap_is_closed_by_republishing_from_the_agency_store(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    # positions: 1 Opened (local), 2 enrolled, 3 and 4 started
    kommun, person_ref = _kommun_with_one_person(tmp_path, now, interventions=2)

    clock = [now]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as http:
            http.headers.update(auth_headers(settings, None, "auditor"))
            client = await connect(nats.settings, "kommun")
            js = client.jetstream()
            lossy = agency_outbox(
                kommun, js, LosingSome(BatchPublisher(js), {integration_event_id("kommun", 3)})
            )
            while await lossy.relay_once():
                pass

            async def facts() -> int:
                response = await http.get(f"/cases/{person_ref}")
                return int(response.json()["facts"]) if response.status_code == 200 else 0

            await _until(facts, 2)
            clock[0] += timedelta(minutes=5)
            gaps = (await http.get("/ops/gaps")).json()

            republished = await agency_outbox(kommun, js).republish(gaps[0]["from"], gaps[0]["to"])
            await _until(facts, 3)
            after = (await http.get("/ops/gaps")).json()
            await client.close()
    kommun.close()

    assert gaps == [{"producer": "urn:samlad:kommun", "from": 3, "to": 3, "seen_after": 4}]
    assert republished == 1
    assert after == []


async def test_a_lost_run_is_asked_for_and_republished_without_an_operator(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    # 1 Opened (local), 2 enrolled, 3 to 6 started
    kommun, person_ref = _kommun_with_one_person(tmp_path, now, interventions=4)

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
            after = await _refilled_unasked(
                http, client, agency_outbox(kommun, js), person_ref, clock, arrived=3
            )
    kommun.close()

    assert after == []


async def test_a_purged_run_is_refilled_though_its_ids_are_in_the_duplicate_window(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    # 1 Opened (local), 2 enrolled, 3 to 6 started
    kommun, person_ref = _kommun_with_one_person(tmp_path, now, interventions=4)

    clock = [now]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        client = await connect(nats.settings, "kommun")
        js = client.jetstream()
        relay = agency_outbox(kommun, js)
        while await relay.relay_once():
            pass
        # An operator purges the kommun's oldest three (2 to 4) before the case read them:
        # purging leaves their Nats-Msg-Ids in the stream's duplicate window.
        admin = await connect(nats.settings, "admin")
        purged = await admin.jetstream().purge_stream(
            EVENTS_STREAM, subject="samlad.kommun.>", keep=2
        )
        await admin.close()
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as http:
            http.headers.update(auth_headers(settings, None, "auditor"))
            after = await _refilled_unasked(http, client, relay, person_ref, clock, arrived=2)
    kommun.close()

    assert purged
    assert after == []


async def _refilled_unasked(
    http: Any,
    client: Client,
    relay: OutboxRelay,
    person_ref: str,
    clock: list[datetime],
    *,
    arrived: int,
) -> Any:
    """Serve the kommun's republish requests (as its service does beside its relay) until
    the case holds all five facts, ``arrived`` before the gap's grace; the gaps after."""
    stop = asyncio.Event()
    serving = asyncio.create_task(answer_republish(client, "kommun", relay, stop))

    async def facts() -> int:
        response = await http.get(f"/cases/{person_ref}")
        return int(response.json()["facts"]) if response.status_code == 200 else 0

    try:
        await _until(facts, arrived, within=10)
        clock[0] += timedelta(minutes=5)  # the gap outlasts its grace
        await _until(facts, 5, within=REFILL_POLL_SECONDS * 3 + 10)
        return (await http.get("/ops/gaps")).json()
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await serving
        await client.close()


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


async def _until(probe: Any, wanted: int, *, within: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while await probe() != wanted:
        assert asyncio.get_running_loop().time() < deadline, f"never reached {wanted}"
        await asyncio.sleep(0.05)
