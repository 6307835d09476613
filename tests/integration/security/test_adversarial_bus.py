"""Every agency's real credentials try to assert others' facts and read others' mail.

Issue 11 (holes 1 and 2): an agency asserts only its own facts, and receives only what
concerns it. With the credentials the embedded server renders for each agency, each one
publishes every other party's event types on its own subjects (with the type's source
and with its own), its own types with another agency's source, another person's subject
or another event's name; each tries to subscribe to others' alerts, dead letters and
inboxes, to bind others' durable consumers and to forge coordination's verdicts.
Everything is refused by the broker or dead-lettered with its reason word, read back
by the publishing agency through its own dead-letter consumer; nothing reaches a case
or another agency.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import (
    AGENCIES,
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    alerts_consumer,
    deadletter_filter,
    deadletter_subject,
    deadletters_consumer,
    handoffs_consumer,
    inbox_prefix,
)
from adapters.nats.testing import new_person_ref
from contracts.base import is_person_bound
from contracts.catalogue import OfferingPublished
from contracts.envelope import encode_structured
from contracts.examples import example_event
from contracts.registry import REGISTRY, EventSpec
from contracts.subjects import alert_subjects, recipients_token
from tests.waiting import eventually

from .deployment import Deployment

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DENIED_WAIT = 0.5
DEAD_LETTER_WAIT = 60.0


class Forgery(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    body: bytes
    word: str  # the reason word its dead letter must carry
    person_refs: tuple[str, ...]  # and the catalogue's offering ids (o-…)


def _new_ref(spec: EventSpec) -> str:
    """Whom (or, for the catalogue, which offering) a forgery is about."""
    return new_person_ref() if is_person_bound(spec.struct) else f"o-forged-{uuid.uuid4().hex}"


def _body(spec: EventSpec, person_ref: str, source: str) -> bytes:
    field = "person_ref" if is_person_bound(spec.struct) else "offering_id"
    event = msgspec.structs.replace(example_event(spec), **{field: person_ref})
    if isinstance(event, OfferingPublished):  # running today: the catalogue would list it
        event = msgspec.structs.replace(event, valid_to=None)
    body = encode_structured(event, spec=spec, id=str(uuid.uuid4()),
                             source=f"urn:samlad:{spec.agency}", time=T0)
    message = json.loads(body)
    message["source"] = source  # the encoder itself refuses a foreign source
    return json.dumps(message).encode()


def _forgeries(publisher: str) -> list[Forgery]:
    """What ``publisher``'s credentials try on its own subjects."""
    forged: list[Forgery] = []
    for spec in REGISTRY.specs():
        ref = _new_ref(spec)
        subject = f"samlad.{publisher}.{spec.name}.v{spec.version}.{ref}"
        if spec.agency != publisher:
            # Another party's type (coordination's alerts included), with its source
            # and with the publisher's own: a forged fact either way.
            for source in (f"urn:samlad:{spec.agency}", f"urn:samlad:{publisher}"):
                forged.append(Forgery(subject=subject, body=_body(spec, ref, source),
                                      word="PublisherMismatch", person_refs=(ref,)))
            continue
        own = f"urn:samlad:{publisher}"
        other_agency = next(agency for agency in AGENCIES if agency != publisher)
        forged.append(Forgery(subject=subject, body=_body(spec, ref, f"urn:samlad:{other_agency}"),
                              word="SourceMismatch", person_refs=(ref,)))
        other_ref = _new_ref(spec)
        forged.append(Forgery(
            subject=f"samlad.{publisher}.{spec.name}.v{spec.version}.{other_ref}",
            body=_body(spec, ref, own), word="SubjectMismatch", person_refs=(ref, other_ref)))
        other_name = "contact-lost" if spec.name != "contact-lost" else "contact-resumed"
        forged.append(Forgery(subject=f"samlad.{publisher}.{other_name}.v1.{ref}",
                              body=_body(spec, ref, own), word="SubjectMismatch",
                              person_refs=(ref,)))
    return forged


async def _dead_letters_read_by(
    client: Client, publisher: str, sequences: set[int]
) -> dict[int, Any]:
    """The publisher's own dead letters for ``sequences``, through its own consumer."""
    subscription = await client.jetstream().pull_subscribe_bind(
        deadletters_consumer(publisher), stream=DEADLETTER_STREAM
    )
    found: dict[int, Any] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEAD_LETTER_WAIT
    while not sequences <= set(found) and loop.time() < deadline:
        try:
            messages = await subscription.fetch(200, timeout=1)
        except NatsTimeoutError:
            continue
        for message in messages:
            await message.ack()
            original = int((message.headers or {}).get("Samlad-Original-Sequence", 0))
            if original in sequences:
                found[original] = message
    await subscription.unsubscribe()
    return found


@pytest.mark.parametrize("publisher", AGENCIES)
async def test_an_agency_cannot_assert_another_partys_facts(
    deployment: Deployment, publisher: str
) -> None:
    client = await connect(deployment.settings.nats, publisher)
    try:
        js = client.jetstream()
        expected: dict[int, Forgery] = {}
        for forgery in _forgeries(publisher):
            ack = await js.publish(forgery.subject, forgery.body,
                                   headers={"Nats-Msg-Id": str(uuid.uuid4())})
            expected[ack.seq] = forgery
        letters = await _dead_letters_read_by(client, publisher, set(expected))
    finally:
        await client.close()

    assert set(letters) == set(expected), f"{len(expected) - len(letters)} not dead-lettered"
    for sequence, letter in letters.items():
        reason = letter.headers["Samlad-Reason"]
        assert reason.split(":", 1)[0] == expected[sequence].word, (
            expected[sequence].subject, reason)
        assert letter.subject == deadletter_subject(publisher)
    await _nothing_reached_a_case_or_an_agency(deployment, expected.values())


async def _nothing_reached_a_case_or_an_agency(
    deployment: Deployment, forgeries: Any
) -> None:
    admin = await connect(deployment.settings.nats, "admin")
    try:
        async def hand_offs_read() -> bool:
            for agency in AGENCIES:
                info = await admin.jetstream().consumer_info(
                    EVENTS_STREAM, handoffs_consumer(agency))
                if info.num_pending or info.num_ack_pending:
                    return False
            return True

        assert await eventually(hand_offs_read)
    finally:
        await admin.close()
    auditor = auth_headers(deployment.settings, None, "auditor")
    refs = {ref for forgery in forgeries for ref in forgery.person_refs}
    listed = await deployment.clients["coordination"].get(
        "/catalogue", params={"with_room": "false"}, headers=auditor)
    assert not refs & {offering["offering_id"] for offering in listed.json()}
    for ref in (ref for ref in refs if not ref.startswith("o-")):
        case = await deployment.clients["coordination"].get(f"/cases/{ref}", headers=auditor)
        assert case.status_code == 404, (ref, case.text)
        for agency in AGENCIES:
            record = await deployment.clients[agency].get(
                f"/persons/{ref}", headers=auth_headers(deployment.settings, agency, "system"))
            assert record.status_code == 404, (agency, ref, record.text)


class Violations:
    """Permission violations the server reported to one client, awaited by subject."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._changed = asyncio.Condition()

    async def on_error(self, error: Exception) -> None:
        async with self._changed:
            self.seen.append(str(error))
            self._changed.notify_all()

    async def reported(self, subject: str) -> None:
        def found() -> bool:
            # nats-py reports the server's text lowercased.
            return any(subject.lower() in text.lower()
                       and "permissions violation" in text.lower() for text in self.seen)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(found), timeout=5)


@pytest.mark.parametrize("agency", AGENCIES)
async def test_an_agency_reads_only_its_own_alerts_dead_letters_and_inbox(
    deployment: Deployment, agency: str
) -> None:
    others = [other for other in AGENCIES if other != agency]
    ref = new_person_ref()
    violations = Violations()
    client = await connect(deployment.settings.nats, agency, on_error=violations.on_error)
    try:
        # Its own: allowed, no violation.
        for subject in (*alert_subjects(agency), deadletter_filter(agency)):
            await client.subscribe(subject)
        for durable, stream in ((alerts_consumer(agency), EVENTS_STREAM),
                                (deadletters_consumer(agency), DEADLETTER_STREAM)):
            await client.jetstream().consumer_info(stream, durable)

        forbidden_subscriptions = [
            "samlad.coordination.>", "samlad.deadletter.>", ">",
            *(f"samlad.coordination.*.*.*.{recipients_token([other])}" for other in others),
            *(deadletter_filter(other) for other in others),
            *(f"{inbox_prefix(other)}.>" for other in (*others, "coordination")),
        ]
        for subject in forbidden_subscriptions:
            await client.subscribe(subject)
            await violations.reported(subject)

        async def bind_refused(durable: str, stream: str) -> None:
            subscription = await client.jetstream().pull_subscribe_bind(durable, stream=stream)
            with pytest.raises(NatsTimeoutError):
                await subscription.fetch(1, timeout=DENIED_WAIT)
            await violations.reported(f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}")
            await subscription.unsubscribe()

        await asyncio.gather(*(
            bind_refused(durable, stream)
            for other in others
            for durable, stream in ((alerts_consumer(other), EVENTS_STREAM),
                                    (deadletters_consumer(other), DEADLETTER_STREAM),
                                    (handoffs_consumer(other), EVENTS_STREAM))
        ))

        async def publish_refused(subject: str) -> None:
            with pytest.raises(NatsTimeoutError):
                await client.jetstream().publish(subject, b"{}", timeout=DENIED_WAIT)
            await violations.reported(subject)

        await asyncio.gather(*(publish_refused(subject) for subject in (
            deadletter_subject(agency),  # coordination's verdict on its own messages
            *(deadletter_subject(other, "outbox") for other in others),
            f"samlad.coordination.alert-raised.v1.{ref}.{recipients_token([agency])}",
            f"samlad.coordination.alert-raised.v1.{ref}",
        )))
        own = [*alert_subjects(agency), deadletter_filter(agency)]
        refused_own = [text for text in violations.seen
                       if any(subject.lower() in text.lower() for subject in own)]
        assert refused_own == []
    finally:
        await client.close()
