"""Helpers for the chained-store tests: a PostgreSQL schema per test, and cleanup.

Plain functions, not fixtures, so eventsourcing's unittest-style recorder test cases can
use them too. Same policy as ``tests/conftest.py``: ``SAMLAD_TEST_POSTGRES_URL`` or the
local default; skip only if unreachable, fail instead under ``SAMLAD_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    url = os.environ.get("SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        if os.environ.get("SAMLAD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {error}")
    return url


def create_schema(url: str) -> str:
    """A fresh schema owned by one test."""
    schema = f"chain_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_env(url: str, schema: str) -> dict[str, str]:
    """eventsourcing's POSTGRES_* keys for ``url`` and ``schema``."""
    parts = urlsplit(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": schema,
    }


def postgres_datastore(
    url: str, schema: str, *, pool_size: int = 5, originator_id_type: str = "uuid"
) -> PostgresDatastore:
    env = postgres_env(url, schema)
    return PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        schema=schema,
        pool_size=pool_size,
        max_overflow=10,
        originator_id_type=originator_id_type,  # type: ignore[arg-type]
    )
