"""Checkpoints on NATS catch a rewritten store; the stream replays as the audit identity."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from eventsourcing.domain import Aggregate, event

from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from adapters.outbox.translator import integration_event_id
from adapters.store.application import open_application
from adapters.store.chain import chained_recorder_env
from contracts import kommun
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from services.audit.checkpoints import latest_checkpoints, publish_checkpoints, verify_service
from services.audit.replay import replay_stream
from services.kommun.application import KommunApplication
from services.settings import Settings


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


def enrolments(persons: int) -> list[OutgoingMessage]:
    at = datetime(2024, 3, 1, tzinfo=UTC)
    messages = []
    for position in range(1, persons + 1):
        person_ref = new_person_ref()
        enrolled = kommun.PersonEnrolled(
            person_ref=person_ref, effective_at=at, recorded_at=at, kommun="Lund",
            gender="kvinna", birth_year=1990, target_groups=[])
        spec = REGISTRY.spec("kommun", kommun.PersonEnrolled)
        event_id = integration_event_id("audit-test", position)
        payload = encode_structured(enrolled, spec=spec, id=event_id, source="urn:samlad:kommun",
                                    time=at, position=position,
                                    previous_position=position - 1 or None)
        messages.append(OutgoingMessage(subject_for(spec, person_ref), payload,
                                        {"Nats-Msg-Id": event_id}))
    return messages


def write_kommun_store(settings: Settings, notes: int) -> None:
    app = open_application(KommunApplication, settings.store, "kommun",
                           init=None, **chained_recorder_env("sqlite"))
    app.save(*(Note(text=f"anteckning {n}") for n in range(notes)))
    app.close()


def truncate_tail(settings: Settings) -> None:
    """The last event and its link removed: the chain is still whole, only shorter."""
    with sqlite3.connect(settings.store.data_dir / "kommun.sqlite") as db:
        last = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        db.execute("DELETE FROM stored_events WHERE rowid = ?", (last,))
        db.execute("DELETE FROM stored_events_chain WHERE notification_id = ?", (last,))


async def test_a_store_truncated_after_its_checkpoint_fails_verification(
    tmp_path: Path,
) -> None:
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url)
        write_kommun_store(settings, 10)
        [signed] = await publish_checkpoints(settings, ["kommun"])
        assert signed.notification_id == 10
        checkpoint = (await latest_checkpoints(settings, ["kommun"]))["kommun"]
        assert verify_service(settings, "kommun", checkpoint).ok

        truncate_tail(settings)

        assert verify_service(settings, "kommun").ok  # the chain alone cannot tell
        verdict = verify_service(settings, "kommun", checkpoint)
        assert not verdict.ok
        assert verdict.failure is not None
        assert verdict.failure["check"] == "checkpoint"


async def test_the_stream_replays_by_sequence_as_the_audit_identity(tmp_path: Path) -> None:
    async with running_nats(tmp_path) as nats:
        messages = enrolments(20)
        client = await connect(nats.settings, "kommun")
        try:
            await BatchPublisher(client.jetstream(timeout=10)).publish(messages)
        finally:
            await client.close()

        result = await replay_stream(nats.settings, window=8)

    assert result.events == 20
    assert result.by_type == {"se.samlad.kommun.person-enrolled.v1": 20}
    assert result.ok, result.problems
