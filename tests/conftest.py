"""Fixtures every tier shares: PostgreSQL reachability and unique names."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from adapters.store.testing import TIERS, opted_out, postgres_url_or_skip
from adapters.telemetry.logging import configure_logging


@pytest.fixture(autouse=True, scope="session")
def logs_to_stderr() -> None:
    """Logs go to stderr, as the services send them, from the start: structlog's default
    prints to stdout, where a client some test left reconnecting would write into the
    CLI's ``--json`` output another test reads."""
    configure_logging("INFO", json=False)


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


FAULT_CAMPAIGN_SUMMARY = "fault_campaign_summary"
"""The report property the fault campaign leaves its counts in (tests/faults)."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fault campaign's counts (with or without ``-s``, under pytest-xdist too);
    which tiers were opted out, so a green run never hides an untested tier."""
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == FAULT_CAMPAIGN_SUMMARY and getattr(report, "when", "") == "call":
                    for line in str(value).splitlines():
                        terminalreporter.write_line(line, bold=True)
    skipped = [tier for tier in TIERS if opted_out(tier)]
    if skipped:
        switches = ", ".join(f"SAMLAD_SKIP_{tier.upper()}=1" for tier in skipped)
        terminalreporter.write_line(f"opted out of the {', '.join(skipped)} tests ({switches})",
                                    yellow=True, bold=True)
