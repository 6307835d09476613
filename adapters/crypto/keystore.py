"""One AES-256 key per person, in one SQLite file per deployment (``keys/persons.sqlite``).

Forgetting a person (GDPR art. 17) deletes the key: every field sealed with it, in any
store, on the stream or in a backup, can no longer be opened, while the events and the
hash chains over them stay as they are. The row stays as a tombstone (``forgotten_at``)
so a later event of the same person is not sealed under a fresh key that would make
the forgetting look undone.

Keys are read from the file on every use, never cached, so a ``samlad person forget``
in another process takes effect at once in every running service.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

KEY_BYTES = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS person_key (
    person_ref TEXT PRIMARY KEY,
    key BLOB,
    created_at TEXT NOT NULL,
    forgotten_at TEXT
)
"""


class PersonKeyStore:
    """``key_for`` makes a key on first use; ``forget`` deletes it for good."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._connect() as db:
            db.execute(_SCHEMA)
        path.chmod(0o600)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> PersonKeyStore:
        return cls(data_dir / "keys" / "persons.sqlite")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            # Deleted keys are overwritten with zeros, not left in free pages; the
            # rollback journal (not WAL) holds no copy once a transaction ends.
            db.execute("PRAGMA secure_delete = ON")
            db.execute("PRAGMA journal_mode = DELETE")
            yield db
        finally:
            db.close()

    def key_for(self, person_ref: str) -> bytes | None:
        """The person's key, created on first use; None once the person is forgotten."""
        with self._connect() as db:
            row = db.execute(
                "SELECT key, forgotten_at FROM person_key WHERE person_ref = ?", (person_ref,)
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT OR IGNORE INTO person_key (person_ref, key, created_at) "
                    "VALUES (?, ?, ?)",
                    (person_ref, secrets.token_bytes(KEY_BYTES), _now()),
                )
                # Another process may have won the insert: its key is the key.
                row = db.execute(
                    "SELECT key, forgotten_at FROM person_key WHERE person_ref = ?",
                    (person_ref,),
                ).fetchone()
        key, forgotten_at = row
        return None if forgotten_at is not None else bytes(key)

    def existing_key(self, person_ref: str) -> bytes | None:
        """The key if one exists and is not forgotten; never creates one (for reading)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT key FROM person_key WHERE person_ref = ? AND forgotten_at IS NULL",
                (person_ref,),
            ).fetchone()
        return bytes(row[0]) if row else None

    def forget(self, person_ref: str) -> bool:
        """Delete the person's key; True if there was one to delete."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            had_key = db.execute(
                "SELECT 1 FROM person_key WHERE person_ref = ? AND key IS NOT NULL",
                (person_ref,),
            ).fetchone() is not None
            db.execute(
                "INSERT INTO person_key (person_ref, key, created_at, forgotten_at) "
                "VALUES (?, NULL, ?, ?) ON CONFLICT (person_ref) DO UPDATE "
                "SET key = NULL, forgotten_at = excluded.forgotten_at",
                (person_ref, _now(), _now()),
            )
            db.execute("COMMIT")
        return had_key

    def is_forgotten(self, person_ref: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT forgotten_at FROM person_key WHERE person_ref = ?", (person_ref,)
            ).fetchone()
        return row is not None and row[0] is not None


def _now() -> str:
    return datetime.now(UTC).isoformat()
