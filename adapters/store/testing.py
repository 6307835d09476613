"""Test tiers that need something outside Python: PostgreSQL, chromium, the AsyncAPI parser,
Node.js and npm (the reference integrator, examples/integrator-node).

A tier whose prerequisite is missing skips only by choice: ``make test`` sets
``SAMLAD_REQUIRE_TIERS=1`` (after installing what it can), so a missing prerequisite fails
with what to do, unless ``SAMLAD_SKIP_<TIER>=1`` opts that tier out (reported at the end
of the run). ``SAMLAD_REQUIRE_POSTGRES=1`` (CI) keeps requiring PostgreSQL.
"""

from __future__ import annotations

import os

import psycopg
import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TIERS = ("postgres", "browser", "asyncapi", "node")


def opted_out(tier: str) -> bool:
    return os.environ.get(f"SAMLAD_SKIP_{tier.upper()}") == "1"


def is_required(tier: str) -> bool:
    if opted_out(tier):
        return False
    return (os.environ.get("SAMLAD_REQUIRE_TIERS") == "1"
            or os.environ.get(f"SAMLAD_REQUIRE_{tier.upper()}") == "1")


def missing(tier: str, reason: str) -> None:
    """The tier cannot run here: fail when it is required, else skip saying why."""
    switch = f"SAMLAD_SKIP_{tier.upper()}=1"
    if is_required(tier):
        pytest.fail(f"{reason}; install it, or opt out of the {tier} tests with {switch}")
    suffix = f" ({switch})" if opted_out(tier) else ""
    pytest.skip(f"{reason}{suffix}")


def postgres_url_or_skip() -> str:
    url = os.environ.get("SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if opted_out("postgres"):
        missing("postgres", "PostgreSQL tests opted out")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        missing("postgres", f"PostgreSQL unreachable at {url}: {error}")
    return url
