"""Where a service keeps its events: one SQLite file per service, or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import msgspec


def postgres_env(database_url: str, schema: str) -> dict[str, str]:
    """eventsourcing's ``POSTGRES_*`` keys for ``database_url`` and ``schema``."""
    parts = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": schema,
    }


class StoreSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``database_url`` (``SAMLAD_DATABASE_URL``) selects PostgreSQL; else SQLite files."""

    data_dir: Path
    database_url: str | None = None
    chained: bool = True
    # Prefix of the PostgreSQL schemas, so each test (or tenant) owns its own.
    namespace: str = ""

    @property
    def is_postgres(self) -> bool:
        return self.database_url is not None

    def env_for(self, service: str) -> dict[str, str]:
        """The eventsourcing environment of one service's application."""
        env = {
            "TRANSCODER_TOPIC": "adapters.store.transcoder:MsgspecTranscoder",
            "AGGREGATE_CACHE_MAXSIZE": "10000",
        }
        if self.database_url is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / f"{service}.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        else:
            # One schema per service keeps each agency's system of record apart.
            schema = f"{self.namespace}{service}".replace("-", "_")
            env |= postgres_env(self.database_url, schema) | {
                "POSTGRES_POOL_SIZE": "5",
                "POSTGRES_MAX_OVERFLOW": "10",
            }
        if self.chained:
            # Every stored event hash-chained (ADR 0005); recorders may be overridden by
            # a service that extends them (coordination's read models).
            from adapters.store.chain import chained_recorder_env

            env |= chained_recorder_env("postgres" if self.is_postgres else "sqlite")
        return env
