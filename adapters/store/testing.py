"""Test tiers that need something outside Python: PostgreSQL, chromium, the AsyncAPI parser,
Node.js and npm (the reference integrator, examples/integrator-node).

A tier whose prerequisite is missing skips only by choice: ``make test`` sets
``SAMLAD_REQUIRE_TIERS=1`` (after installing what it can), so a missing prerequisite fails
with what to do, unless ``SAMLAD_SKIP_<TIER>=1`` opts that tier out (reported at the end
of the run). ``SAMLAD_REQUIRE_POSTGRES=1`` (CI) keeps requiring PostgreSQL.
"""

from __future__ import annotations

import asyncio
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
    return (
        os.environ.get("SAMLAD_REQUIRE_TIERS") == "1"
        or os.environ.get(f"SAMLAD_REQUIRE_{tier.upper()}") == "1"
    )


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


async def postgres_outage(
    url: str, application_name: str, seconds: float, pause: float = 0.02
) -> int:
    """Terminate every connection named ``application_name`` (libpq's ``PGAPPNAME``),
    again and again, for ``seconds``: a PostgreSQL outage as clients see it; how many."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    terminated = 0
    while loop.time() < end:
        terminated += await asyncio.to_thread(terminate_backends, url, application_name)
        await asyncio.sleep(pause)
    return terminated


def terminate_backends(url: str, application_name: str) -> int:
    """``pg_terminate_backend`` of every connection named ``application_name``."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return len(rows)
