"""Helpers for the chained-store tests: a PostgreSQL schema per test, and cleanup.

Plain functions, not fixtures, so eventsourcing's unittest-style recorder test cases can
use them too. Same policy as ``tests/conftest.py``: ``SAMLAD_TEST_POSTGRES_URL`` or the
local default; skip only if unreachable, fail instead under ``SAMLAD_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

import uuid

import psycopg
from eventsourcing.postgres import PostgresDatastore

from adapters.store.settings import postgres_env
from adapters.store.testing import postgres_url_or_skip


def postgres_url() -> str:
    return postgres_url_or_skip()


def create_schema(url: str) -> str:
    """A fresh schema owned by one test."""
    schema = f"chain_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


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
