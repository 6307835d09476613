"""Applications record through the chain once ``chained_recorder_env`` is in their env;
chain heads are signed and checked as checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import ProcessRecorder

from adapters.store.chain import ChainHead, chained_recorder_env
from adapters.store.chained_postgres import ChainedPostgresProcessRecorder
from adapters.store.chained_sqlite import ChainedSQLiteProcessRecorder
from adapters.store.checkpoint import InvalidCheckpoint, sign_checkpoint, verify_checkpoint
from adapters.store.settings import postgres_env
from adapters.store.verify import chain_head, verify_store
from tests.integration.store.store_chain_support import (
    create_schema,
    drop_schema,
    postgres_url,
)


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text


class Notes(Application[Any]):
    """Records through ``factory.process_recorder()``, as Samlad's applications do."""

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    def write(self, count: int) -> None:
        for number in range(count):
            note = Note(f"note {number}")
            note.amend(f"note {number}, amended")
            self.save(note)


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "notes.sqlite"),
    } | chained_recorder_env("sqlite")


@pytest.fixture
def pg_env() -> Iterator[dict[str, str]]:
    url = postgres_url()
    schema = create_schema(url)
    yield postgres_env(url, schema) | chained_recorder_env("postgres")
    drop_schema(url, schema)


@pytest.mark.parametrize(("env", "recorder"), [
    ("sqlite_env", ChainedSQLiteProcessRecorder),
    pytest.param("pg_env", ChainedPostgresProcessRecorder, marks=pytest.mark.postgres),
])
def test_an_application_records_through_the_chain(
    env: str,
    recorder: type[ChainedSQLiteProcessRecorder | ChainedPostgresProcessRecorder],
    request: pytest.FixtureRequest,
) -> None:
    app = Notes(env=request.getfixturevalue(env))
    assert isinstance(app.recorder, recorder)
    app.write(5)
    report = verify_store(app.recorder)
    assert report.ok and report.events_verified == 10
    app.close()


def test_a_signed_chain_head_verifies_and_checks_the_store(sqlite_env: dict[str, str]) -> None:
    app = Notes(env=sqlite_env)
    app.write(2)
    key = Ed25519PrivateKey.generate()
    signed = sign_checkpoint("notes", chain_head(app.recorder), key)  # type: ignore[arg-type]
    head = verify_checkpoint(signed, key.public_key())
    assert head == chain_head(app.recorder)  # type: ignore[arg-type]
    app.write(1)
    assert verify_store(app.recorder, checkpoint=head).ok  # type: ignore[arg-type]
    app.close()


def test_a_checkpoint_with_an_altered_hash_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_checkpoint("notes", ChainHead(7, bytes(range(32))), key)
    forged = msgspec.structs.replace(signed, store_hash="00" * 32)
    with pytest.raises(InvalidCheckpoint):
        verify_checkpoint(forged, key.public_key())


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    signed = sign_checkpoint("notes", ChainHead(7, bytes(32)), Ed25519PrivateKey.generate())
    with pytest.raises(InvalidCheckpoint):
        verify_checkpoint(signed, Ed25519PrivateKey.generate().public_key())
