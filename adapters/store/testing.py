"""PostgreSQL for tests: ``SAMLAD_TEST_POSTGRES_URL`` or the local default.

Skip only where no database answers; ``SAMLAD_REQUIRE_POSTGRES=1`` (as in CI) turns a
missing database into a failure, so CI never skips.
"""

from __future__ import annotations

import os

import psycopg
import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    url = os.environ.get("SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        if os.environ.get("SAMLAD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {error}")
    return url
