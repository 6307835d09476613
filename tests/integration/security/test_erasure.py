"""Forgetting a person: their sealed fields read "[raderad]" everywhere; chains still hold.

`samlad person forget REF` deletes the person's key. The test then looks where the
text went: the coordination API, the agency's own store replayed, the messages on
the stream, and the raw bytes of every file (the text was never stored in clear).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import sha256
from typing import Any

import msgspec
from nats.js.api import ConsumerConfig, DeliverPolicy

from adapters.crypto import ERASED, FieldSealer, PersonKeyStore, is_sealed
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, EVENTS_STREAM
from adapters.store.application import open_application
from adapters.store.verify import verify_store
from domain.agency.involvement import Involvement
from services.cli import person
from services.cli.main import build_parser
from services.kommun.application import KommunApplication

from .deployment import Calls, Deployment, new_personnummer
from .rawbytes import holding, spellings

SUMMARY = "Har svår ångest i sociala situationer"
REASON = "Vill pröva praktik inom vården"


def forget(deployment: Deployment, person_ref: str) -> None:
    """``samlad person forget REF`` as parsed by the CLI (without re-configuring logging)."""
    data_dir = str(deployment.settings.data_dir)
    args = build_parser().parse_args(["person", "forget", person_ref, "--data-dir", data_dir])
    assert person.run(args, deployment.settings) == 0


async def a_person_with_free_text(calls: Calls) -> str:
    person_ref = await calls.enrol(new_personnummer())
    await calls.call("kommun", "POST", f"/persons/{person_ref}/needs-assessments",
                     agency="kommun", json={"further_support_needed": True,
                                            "summary": SUMMARY}, status=201)
    await calls.call("kommun", "POST", f"/persons/{person_ref}/hand-offs", agency="kommun",
                     json={"to_agency": "af", "reason": REASON}, status=201)
    return person_ref


async def details(calls: Calls, person_ref: str) -> dict[str, dict[str, str]]:
    """The auditor's view of the two facts' details, once both have arrived."""
    noted = await calls.entry(person_ref, "kommun", "Noted", viewer=None, role="auditor")
    handed = await calls.entry(person_ref, "kommun", "HandOffRequested", viewer=None,
                               role="auditor")
    return {"Noted": noted["details"], "HandOffRequested": handed["details"]}


@contextmanager
def kommun_store(deployment: Deployment) -> Iterator[KommunApplication]:
    """A second reader of the kommun's SQLite store: what a replay or an auditor sees."""
    app = open_application(KommunApplication, deployment.settings.store, "kommun")
    try:
        yield app
    finally:
        app.close()


async def published(deployment: Deployment, person_ref: str) -> list[dict[str, Any]]:
    """The ``data`` of every message about the person on the stream, from the start."""
    nc = await connect(deployment.settings.nats, ADMIN)
    try:
        sub = await nc.jetstream().pull_subscribe(
            f"samlad.*.*.*.{person_ref}.*", stream=EVENTS_STREAM,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=10.0))
        messages = await sub.fetch(50, timeout=2.0)
        await sub.unsubscribe()
    finally:
        await nc.close()
    return [msgspec.json.decode(m.data)["data"] for m in messages]


async def test_personal_text_is_sealed_at_rest_and_in_transit(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await a_person_with_free_text(calls)

    shown = await details(calls, person_ref)

    assert shown["Noted"]["sammanfattning"] == SUMMARY
    assert shown["HandOffRequested"]["orsak"] == REASON
    root = deployment.settings.data_dir
    assert holding(root, spellings(SUMMARY) + spellings(REASON)) == []
    messages = await published(deployment, person_ref)
    texts = [m.get("reason") or m.get("summary") for m in messages]
    assert sum(is_sealed(text) for text in texts) == 2


async def test_a_forgotten_person_reads_as_erased_everywhere(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await a_person_with_free_text(calls)
    await details(calls, person_ref)

    forget(deployment, person_ref)

    # The shared case, through the API.
    shown = await details(calls, person_ref)
    assert shown["Noted"]["sammanfattning"] == ERASED
    assert shown["HandOffRequested"]["orsak"] == ERASED
    # The agency's own store, replayed from its events.
    sealer = FieldSealer(PersonKeyStore.in_data_dir(deployment.settings.data_dir))
    with kommun_store(deployment) as store:
        events = list(store.events.get(Involvement.create_id(person_ref)))
    stored = [getattr(e, name) for e in events for name in ("reason", "summary")
              if isinstance(getattr(e, name, None), str)]
    assert len(stored) == 2 and all(is_sealed(text) for text in stored)
    assert {sealer.open(person_ref, text) for text in stored} == {ERASED}
    # The stream, read again from its first message.
    on_stream = [m.get("reason") or m.get("summary") for m in await published(
        deployment, person_ref)]
    sealed = [text for text in on_stream if text]
    assert len(sealed) == 2
    assert {sealer.open(person_ref, text) for text in sealed} == {ERASED}


def stored_digest(deployment: Deployment, person_ref: str) -> str:
    """One hash over the person's stored events at the kommun, as a chain hashes them."""
    digest = sha256()
    with kommun_store(deployment) as store:
        for item in store.recorder.select_events(Involvement.create_id(person_ref)):
            digest.update(item.topic.encode() + item.state)
    return digest.hexdigest()


async def test_forgetting_leaves_the_hash_chains_intact(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await a_person_with_free_text(calls)
    await details(calls, person_ref)
    before = stored_digest(deployment, person_ref)

    forget(deployment, person_ref)

    # Forgetting touches the key store only: the hashed bytes (ciphertext) are unchanged.
    assert stored_digest(deployment, person_ref) == before
    with kommun_store(deployment) as store:
        report = verify_store(store.recorder)  # type: ignore[arg-type]
    assert report.ok, report.failure
    assert report.events_verified > 0


async def test_a_forgotten_persons_new_text_is_not_stored(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await calls.enrol(new_personnummer())
    forget(deployment, person_ref)

    await calls.call("kommun", "POST", f"/persons/{person_ref}/hand-offs", agency="kommun",
                     json={"to_agency": "region", "reason": REASON}, status=201)

    entry = await calls.entry(person_ref, "kommun", "HandOffRequested", viewer=None,
                              role="auditor")
    assert entry["details"] == {"orsak": ERASED}
