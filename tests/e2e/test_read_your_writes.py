"""Read your writes: a command answers a position; the shared case waits for it.

Right after a command, `GET /cases/{ref}?after=<position>` (and the timeline) answers
with the command applied, no polling; a position the case never gets answers 503
problem+json saying when each producer's events were last applied.
"""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest

from adapters.auth.testing import auth_headers
from services.cli.testing import RunningSamlad
from services.demo.personnummer import personnummer

pytestmark = pytest.mark.slow


def test_a_read_after_a_commands_position_shows_the_command(samlad_up: RunningSamlad) -> None:
    headers = auth_headers(samlad_up, "kommun")
    with (
        httpx.Client(base_url=samlad_up.urls["kommun"], headers=headers, timeout=10) as kommun,
        httpx.Client(base_url=samlad_up.urls["coordination"], headers=headers,
                     timeout=10) as cases,
    ):
        enrolled = kommun.post("/persons", json={
            "personnummer": personnummer(date(1981, 12, 18), 987), "kommun": "Lund",
            "gender": "kvinna", "birth_year": 1981}).json()
        person_ref, position = enrolled["person_ref"], enrolled["position"]
        assert position

        case = cases.get(f"/cases/{person_ref}", params={"after": position})
        assert case.status_code == 200, case.text
        assert case.json()["state"]["enrolled_by"] == "kommun"
        # How fresh: every partition that has applied anything, with when.
        assert "=" in case.headers["samlad-applied-at"]

        started = kommun.post(f"/persons/{person_ref}/interventions",
                              json={"intervention_type": "arbetstraning"}).json()
        page = cases.get(f"/cases/{person_ref}/timeline", params={"after": started["position"]})
        assert page.status_code == 200, page.text
        assert started["position"] in {item["event_id"] for item in page.json()["items"]}

        never = cases.get(f"/cases/{person_ref}", params={"after": str(uuid.uuid4())})
    assert never.status_code == 503
    assert never.headers["content-type"].startswith("application/problem+json")
    assert never.headers["retry-after"]
    assert "urn:samlad:kommun" in never.json()["last_applied_at"]
    assert samlad_up.stop() == 0
