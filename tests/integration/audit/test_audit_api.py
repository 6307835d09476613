"""The auditor's API: reads of a case are logged, auditors query the log, as-of, indicators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from adapters.auth.testing import auth_headers
from adapters.auth.tokens import load_verifying_key
from services.audit.api import access_log_hook, audit_router
from services.coordination.access_log import AccessLogger
from services.coordination.api import coordination_router
from services.coordination.application import CoordinationApplication
from services.runtime.auth import auth_middleware, authorizer
from services.runtime.clock import utc_now
from services.settings import Settings

from .caseload import START, ingest_caseload

Client = TestClient[Litestar]


@pytest.fixture
def wired(
    coordination: CoordinationApplication, settings: Settings,
) -> Iterator[tuple[Client, AccessLogger, Settings]]:
    logger = AccessLogger(coordination, utc_now)
    app = Litestar(
        route_handlers=[coordination_router(coordination), audit_router(coordination)],
        middleware=[auth_middleware("coordination", load_verifying_key(settings.data_dir))],
        guards=[authorizer("coordination")],
        after_response=access_log_hook(logger),
    )
    with TestClient(app) as client:
        yield client, logger, settings
    logger.close()


def auditor(settings: Settings) -> dict[str, str]:
    return auth_headers(settings, None, "auditor", subject="revisor-1")


def test_every_read_of_a_case_is_logged_with_who_and_why(
    wired: tuple[Client, AccessLogger, Settings], coordination: CoordinationApplication,
) -> None:
    client, logger, settings = wired
    [ref] = ingest_caseload(coordination, 1)
    worker = auth_headers(settings, "af", "handlaggare", subject="anna")
    assert client.get(f"/cases/{ref}", headers=worker).status_code == 200
    assert client.get(f"/cases/{ref}/timeline?purpose=uppfoljning",
                      headers=worker).status_code == 200
    logger.flush()

    entries = client.get("/audit/access-log", params={"person_ref": ref},
                         headers=auditor(settings)).json()
    assert [(e["subject"], e["agency"], e["role"], e["resource"], e["purpose"])
            for e in entries] == [
        ("anna", "af", "handlaggare", "api:case", "handläggning"),
        ("anna", "af", "handlaggare", "api:timeline", "uppfoljning"),
    ]


def test_the_access_log_is_for_auditors_only(
    wired: tuple[Client, AccessLogger, Settings],
) -> None:
    client, _, settings = wired
    worker = auth_headers(settings, "af", "handlaggare")
    assert client.get("/audit/access-log", headers=worker).status_code == 403
    assert client.get("/audit/indicators", headers=worker).status_code == 403


def test_a_case_as_of_an_instant_shows_only_what_was_recorded_by_then(
    wired: tuple[Client, AccessLogger, Settings], coordination: CoordinationApplication,
) -> None:
    client, _, settings = wired
    [ref] = ingest_caseload(coordination, 1, per_commit=1)
    events = list(coordination.events.get(coordination.get_case(ref).id))
    second_fact = [e for e in events if type(e).__name__ == "FactRecorded"][1]
    at = getattr(second_fact, "timestamp") + timedelta(microseconds=1)  # noqa: B009

    view: dict[str, Any] = client.get(f"/cases/{ref}/as-of", params={"at": at.isoformat()},
                                      headers=auditor(settings)).json()
    assert view["version"] == second_fact.originator_version
    facts = [e for e in view["timeline"] if e["agency"] != "samordning"]
    assert len(facts) == 2
    assert client.get(f"/cases/{ref}/as-of",
                      params={"at": (START - timedelta(days=1)).isoformat()},
                      headers=auditor(settings)).status_code == 404


def test_auditors_get_the_indicators(
    wired: tuple[Client, AccessLogger, Settings], coordination: CoordinationApplication,
) -> None:
    client, _, settings = wired
    ingest_caseload(coordination, 5)
    body = client.get("/audit/indicators", headers=auditor(settings)).json()
    rows = {(r["indicator"], r["dimension"], r["group"]): r["value"] for r in body["rows"]}
    assert rows[("participants", "total", "alla")] == 5
