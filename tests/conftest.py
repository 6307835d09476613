"""Fixtures every tier shares: PostgreSQL reachability and unique names."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    """``SAMLAD_TEST_POSTGRES_URL`` or the local default; skip only where none answers.

    CI sets ``SAMLAD_REQUIRE_POSTGRES=1`` so a missing database fails instead of skipping.
    """
    url = os.environ.get("SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        if os.environ.get("SAMLAD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {error}")
    return url


@pytest.fixture
def postgres_url() -> str:
    return postgres_url_or_skip()


@pytest.fixture
def schema_namespace(postgres_url: str):  # type: ignore[no-untyped-def]
    """A unique schema prefix for one test; its schemas are dropped afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    yield prefix
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (prefix + "%",)
        ).fetchall()
        for (name,) in rows:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')
