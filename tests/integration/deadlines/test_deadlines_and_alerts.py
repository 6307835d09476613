"""Deadlines fall due through the index, survive restarts, and alerts travel on NATS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from nats.js import JetStreamContext

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import EVENTS_STREAM, alerts_consumer
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import new_person_ref, running_nats
from contracts.base import IntegrationEvent, subject_ref
from contracts.common import HandOffAccepted, HandOffRequested
from contracts.coordination import AlertRaised, AlertResolved
from contracts.envelope import Received, decode_message, encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from services.coordination.service import DEADLINE_POLL_SECONDS, create_app
from services.settings import Settings
from tests.waiting import eventually

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _publish(settings: NatsSettings, agency: str, event: IntegrationEvent) -> None:
    spec = REGISTRY.spec(agency, type(event))
    event_id = str(uuid.uuid4())
    payload = encode_structured(
        event, spec=spec, id=event_id, source=f"urn:samlad:{agency}", time=event.recorded_at
    )
    client = await connect(settings, agency)
    await BatchPublisher(client.jetstream()).publish(
        [OutgoingMessage(subject_for(spec, event.person_ref), payload, {"Nats-Msg-Id": event_id})]
    )
    await client.close()


def _hand_off(person_ref: str, at: datetime) -> HandOffRequested:
    return HandOffRequested(person_ref=person_ref, effective_at=at, recorded_at=at,
                            hand_off_id="h-1", to_agency="af", reason="matchning")


def _open_alerts(client: AsyncTestClient[Any], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    async def probe() -> list[dict[str, Any]]:
        return (await client.get("/alerts", headers=headers)).json()  # type: ignore[no-any-return]

    return probe


async def test_an_unanswered_hand_off_raises_its_alert_once_it_falls_due(
    tmp_path: Path,
) -> None:
    # "Within a second" is the reviewer's poll, a setting; the test waits, never times.
    assert DEADLINE_POLL_SECONDS < 1
    clock = [START]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        headers = auth_headers(settings, None, "auditor")
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            person_ref = new_person_ref()
            await _publish(nats.settings, "kommun", _hand_off(person_ref, START))
            assert await eventually(lambda: _case_facts(client, headers, person_ref))
            assert await _open_alerts(client, headers)() == []

            clock[0] = START + timedelta(days=5, seconds=1)  # the answer is now overdue
            alerts = await eventually(_open_alerts(client, headers), what="the alert")

    assert [a["rule"] for a in alerts] == ["hand_off_unanswered"]


async def test_a_deadline_that_fell_due_while_the_service_was_down_fires_at_start(
    tmp_path: Path,
) -> None:
    clock = [START]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        headers = auth_headers(settings, None, "auditor")
        person_ref = new_person_ref()
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            await _publish(nats.settings, "kommun", _hand_off(person_ref, START))
            assert await eventually(lambda: _case_facts(client, headers, person_ref))

        clock[0] = START + timedelta(days=30)  # down for a month
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            alerts = await eventually(_open_alerts(client, headers), what="the alert")

    assert [a["rule"] for a in alerts] == ["hand_off_unanswered"]


async def test_alerts_are_raised_and_resolved_on_nats_for_the_agencies(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        async with AsyncTestClient(create_app(settings)):
            person_ref = new_person_ref()
            # Back-dated: the deadline passed long ago, so the alert is raised at once.
            await _publish(nats.settings, "kommun", _hand_off(person_ref, now - timedelta(days=9)))
            af = await connect(nats.settings, "af")
            subscription = await af.jetstream().pull_subscribe_bind(
                alerts_consumer("af"), stream=EVENTS_STREAM
            )
            raised = await _next_alert(subscription, person_ref)
            await _publish(nats.settings, "af", HandOffAccepted(
                person_ref=person_ref, effective_at=now, recorded_at=now, hand_off_id="h-1",
                from_agency="kommun",
            ))
            resolved = await _next_alert(subscription, person_ref)
            await af.close()
            # fk is not named by the alert: its consumer holds nothing of it.
            fk = await connect(nats.settings, "fk")
            fk_alerts = await fk.jetstream().consumer_info(EVENTS_STREAM, alerts_consumer("fk"))
            await fk.close()

    assert raised.spec.name == "alert-raised"
    assert isinstance(raised.event, AlertRaised)
    assert raised.event.rule == "hand_off_unanswered"
    assert resolved.spec.name == "alert-resolved"
    assert isinstance(resolved.event, AlertResolved)
    assert resolved.event.alert_id == raised.event.alert_id
    # The resolution goes to those the alert was raised to, and says so.
    assert resolved.event.agencies == raised.event.agencies == ["kommun", "af"]
    assert fk_alerts.num_pending == 0 and fk_alerts.delivered.stream_seq == 0


async def _next_alert(
    subscription: JetStreamContext.PullSubscription, person_ref: str
) -> Received:
    while True:
        for message in await subscription.fetch(1, timeout=10):
            await message.ack()
            received = decode_message(message.data, message.headers, subject=message.subject)
            if subject_ref(received.event) == person_ref:
                return received


async def _case_facts(
    client: AsyncTestClient[Any], headers: dict[str, str], person_ref: str
) -> int:
    response = await client.get(f"/cases/{person_ref}", headers=headers)
    return int(response.json()["facts"]) if response.status_code == 200 else 0


async def test_alerts_can_be_filtered_by_agency_kommun_rule_and_age(tmp_path: Path) -> None:
    from contracts.common import ContactLost
    from contracts.kommun import PersonEnrolled

    now = datetime.now(UTC)
    old = now - timedelta(days=20)
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        headers = auth_headers(settings, None, "auditor")
        async with AsyncTestClient(create_app(settings)) as client:
            falun, leksand = new_person_ref(), new_person_ref()
            for person_ref, kommun in ((falun, "Falun"), (leksand, "Leksand")):
                await _publish(nats.settings, "kommun", PersonEnrolled(
                    person_ref=person_ref, effective_at=old, recorded_at=old, kommun=kommun,
                    gender="kvinna", birth_year=1990, target_groups=[],
                ))
            await _publish(nats.settings, "kommun", _hand_off(falun, old))
            await _publish(nats.settings, "fk", ContactLost(
                person_ref=leksand, effective_at=old, recorded_at=old))

            async def both_raised() -> list[dict[str, Any]]:
                alerts = await _open_alerts(client, headers)()
                rules = {a["rule"] for a in alerts}
                return alerts if {"hand_off_unanswered", "lost_contact"} <= rules else []

            assert await eventually(both_raised, within=10)

            async def query(**params: str) -> set[tuple[str, str]]:
                found = (await client.get("/alerts", params=params, headers=headers)).json()
                return {(a["person_ref"], a["rule"]) for a in found}

            by_rule = await query(rule="lost_contact")
            by_kommun = await query(kommun="Falun")
            by_agency = await query(agency="af")
            too_old = await query(raised_before=(now - timedelta(days=1)).isoformat())

    assert by_rule == {(leksand, "lost_contact")}
    assert (falun, "hand_off_unanswered") in by_kommun
    assert all(person == falun for person, _ in by_kommun)
    assert (falun, "hand_off_unanswered") in by_agency
    assert (leksand, "lost_contact") not in by_agency
    assert too_old == set()
