"""The coordination API shows another agency's details only under the person's consent."""

from __future__ import annotations

from typing import Any

from adapters.auth.testing import auth_headers
from tests.waiting import eventually

from .deployment import Calls, Deployment, new_personnummer

REASON = "Behöver stöd med struktur i vardagen"


async def a_hand_off_from_af(calls: Calls) -> str:
    """A person enrolled by the kommun whom AF refers back with a reason (AF's secret)."""
    pnr = new_personnummer()
    person_ref = await calls.enrol(pnr)
    await calls.call("af", "POST", "/persons", agency="af", json={"personnummer": pnr},
                     status=201)
    await calls.call("af", "POST", f"/persons/{person_ref}/hand-offs", agency="af",
                     json={"to_agency": "kommun", "reason": REASON}, status=201)
    return person_ref


async def test_without_consent_another_agency_sees_only_the_summary(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    person_ref = await a_hand_off_from_af(calls)

    seen_by_kommun = await calls.entry(person_ref, "af", "HandOffRequested", viewer="kommun")

    assert seen_by_kommun["hidden"] is True
    assert seen_by_kommun["details"] is None
    assert seen_by_kommun["summary"] == "Överlämning begärd till kommun"


async def test_the_reporting_agency_and_the_auditor_see_the_details(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    person_ref = await a_hand_off_from_af(calls)

    own = await calls.entry(person_ref, "af", "HandOffRequested", viewer="af")
    audited = await calls.entry(person_ref, "af", "HandOffRequested", viewer=None,
                                role="auditor")

    assert own["details"] == {"orsak": REASON}
    assert audited["details"] == {"orsak": REASON}


async def test_after_consent_the_details_are_shown(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await a_hand_off_from_af(calls)
    await calls.entry(person_ref, "af", "HandOffRequested", viewer="kommun")

    await calls.call("af", "POST", f"/persons/{person_ref}/consents", agency="af",
                     json={"consent_scope": "arbetsmarknad", "to_agencies": ["kommun"]},
                     status=201)

    async def shown() -> dict[str, str] | None:
        entry = await calls.entry(person_ref, "af", "HandOffRequested", viewer="kommun")
        details: dict[str, str] | None = entry["details"]
        return details

    assert await eventually(shown) == {"orsak": REASON}
    # The consent names the kommun only: the region still sees the summary alone.
    region = await calls.entry(person_ref, "af", "HandOffRequested", viewer="region")
    assert region["details"] is None


async def test_a_coordinator_reads_as_their_own_agency(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await a_hand_off_from_af(calls)

    entry = await calls.entry(person_ref, "af", "HandOffRequested", viewer="fk",
                              role="samordnare")

    assert entry["details"] is None


async def test_without_consent_the_case_shows_another_agencys_lane_but_not_its_work(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    pnr = new_personnummer()
    person_ref = await calls.enrol(pnr)
    await calls.call("region", "POST", "/persons", agency="region", json={"personnummer": pnr},
                     status=201)
    await calls.call("region", "POST", f"/persons/{person_ref}/rehabilitations",
                     agency="region", json={"rehabilitation_kind": "fysioterapi"}, status=201)

    async def case_seen_by(agency: str | None, role: str = "handlaggare") -> dict[str, Any]:
        async def with_region_lane() -> dict[str, Any] | None:
            response = await deployment.clients["coordination"].get(
                f"/cases/{person_ref}", headers=auth_headers(deployment.settings, agency, role))
            if response.status_code == 404:  # the enrolment has not reached the case yet
                return None
            assert response.status_code == 200, response.text
            case: dict[str, Any] = response.json()
            lanes = {lane["agency"] for lane in case["state"]["lanes"]}
            return case if "region" in lanes else None

        case: dict[str, Any] | None = await eventually(with_region_lane)
        assert case is not None
        return case

    by_kommun = await case_seen_by("kommun")
    by_region = await case_seen_by("region")
    by_auditor = await case_seen_by(None, "auditor")

    assert by_kommun["state"]["interventions"] == []
    assert [i["agency"] for i in by_region["state"]["interventions"]] == ["region"]
    assert [i["agency"] for i in by_auditor["state"]["interventions"]] == ["region"]
