"""The person's own view: a ``person`` token reads its own case and consents about it,
and nothing else; the consent is the agency's own fact, attributed to the person."""

from __future__ import annotations

from typing import Any

from adapters.auth.testing import auth_headers
from tests.waiting import eventually

from .deployment import Calls, Deployment, new_personnummer


def person(deployment: Deployment, person_ref: str) -> dict[str, str]:
    return auth_headers(deployment.settings, None, "person", person_ref=person_ref)


async def own_view(deployment: Deployment, person_ref: str, check: Any) -> Any:
    """``GET /me`` once ``check(view)`` holds (facts travel over NATS first)."""

    async def seen() -> Any:
        response = await deployment.clients["coordination"].get(
            "/me", headers=person(deployment, person_ref)
        )
        if response.status_code != 200:
            return None
        view = response.json()
        return view if check(view) else None

    view = await eventually(seen)
    assert view is not None, f"/me of {person_ref} never showed what was asked"
    return view


async def a_person_with_work_under_way(calls: Calls) -> str:
    """Enrolled by the kommun, in arbetsträning after a kartläggning, handed on to AF
    (unanswered), with the kommun holding the lead."""
    person_ref = await calls.enrol(new_personnummer())
    await calls.call(
        "kommun",
        "POST",
        f"/persons/{person_ref}/interventions",
        agency="kommun",
        json={"intervention_type": "arbetstraning"},
        status=201,
    )
    await calls.call(
        "kommun", "POST", f"/persons/{person_ref}/lead/assume", agency="kommun", json={}
    )
    await calls.call(
        "kommun",
        "POST",
        f"/persons/{person_ref}/needs-assessments",
        agency="kommun",
        json={"further_support_needed": True, "summary": "Vill arbeta med djur"},
        status=201,
    )
    await calls.call(
        "kommun",
        "POST",
        f"/persons/{person_ref}/hand-offs",
        agency="kommun",
        json={"to_agency": "af", "reason": "Redo för matchning"},
        status=201,
    )
    return person_ref


async def test_a_person_reads_their_own_view_and_no_other_case(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    mine = await calls.enrol(new_personnummer())
    theirs = await calls.enrol(new_personnummer())
    headers = person(deployment, mine)
    coordination = deployment.clients["coordination"]

    view = await own_view(deployment, mine, lambda v: v["agencies"])

    assert view["person_ref"] == mine
    for path in (
        f"/cases/{theirs}",
        f"/cases/{theirs}/timeline",
        f"/cases/{mine}",
        "/cases",
        "/alerts",
        "/ops/gaps",
        "/audit/access-log",
        f"/cases/{mine}/as-of",
    ):
        response = await coordination.get(path, headers=headers)
        assert response.status_code == 403, (path, response.status_code)
    record = await deployment.clients["kommun"].get(f"/persons/{mine}", headers=headers)
    assert record.status_code == 403  # the agency's own record stays the agency's
    someone_elses = await deployment.clients["kommun"].post(
        f"/persons/{theirs}/consents",
        headers=headers,
        json={"consent_scope": "alla", "to_agencies": ["af"]},
    )
    assert someone_elses.status_code == 403


async def test_the_own_view_says_who_works_with_me_what_is_planned_what_waits_and_whom_to_call(
    deployment: Deployment,
) -> None:
    person_ref = await a_person_with_work_under_way(Calls(deployment))

    view = await own_view(
        deployment,
        person_ref,
        lambda v: v["waiting"] and v["plan"] and v["lead"] and v["steps"],
    )

    kommun = next(a for a in view["agencies"] if a["agency"] == "kommun")
    assert kommun["lead"] is True
    assert kommun["contact"]["name"] == "Kommunen"
    assert view["lead_text"].startswith("Kommunen har huvudansvaret")
    assert view["plan"][0]["what"] == "Arbetsträning"
    assert view["plan"][0]["running"] is True
    assert any(
        w["agency"] == "af" and w["text"].startswith("Arbetsförmedlingen ska svara")
        for w in view["waiting"]
    )
    assert view["steps"][0]["text"].startswith("Kommunen och du har pratat om vad du behöver")
    # The case workers' own notes are theirs: not shown here.
    assert "Redo för matchning" not in str(view) and "djur" not in str(view)
    assert view["consent_kept_by"] == "kommun"


async def test_a_persons_consent_reaches_the_shared_case_as_their_own(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    person_ref = await calls.enrol(new_personnummer())
    await own_view(deployment, person_ref, lambda v: v["consent_kept_by"])

    given = await deployment.clients["kommun"].post(
        f"/persons/{person_ref}/consents",
        headers=person(deployment, person_ref),
        json={"consent_scope": "halsa", "to_agencies": ["kommun", "fk"]},
    )
    assert given.status_code == 201, given.text
    consent_id = given.json()["ids"]["consent_id"]

    view = await own_view(deployment, person_ref, lambda v: v["consents"])
    assert view["consents"][0]["consent_id"] == consent_id
    assert view["consents"][0]["recorded_by"] == "person"
    assert view["consents"][0]["kept_by"] == "kommun"
    shared = await calls.call("coordination", "GET", f"/cases/{person_ref}", agency="fk")
    assert [c["consent_scope"] for c in shared["state"]["consents"]] == ["halsa"]
    entry = await calls.entry(person_ref, "kommun", "ConsentGiven", viewer="kommun")
    assert entry["summary"].endswith("av personen själv")

    withdrawn = await deployment.clients["kommun"].post(
        f"/persons/{person_ref}/consents/{consent_id}/withdraw",
        headers=person(deployment, person_ref),
        json={},
    )
    assert withdrawn.status_code == 200, withdrawn.text

    await own_view(deployment, person_ref, lambda v: not v["consents"])
    entry = await calls.entry(person_ref, "kommun", "ConsentWithdrawn", viewer="kommun")
    assert entry["summary"] == "Samtycke återkallat av personen själv"


async def test_a_case_workers_consent_stays_the_agencys(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await calls.enrol(new_personnummer())

    await calls.call(
        "kommun",
        "POST",
        f"/persons/{person_ref}/consents",
        agency="kommun",
        json={"consent_scope": "alla", "to_agencies": ["af"]},
        status=201,
    )

    view = await own_view(deployment, person_ref, lambda v: v["consents"])
    assert view["consents"][0]["recorded_by"] == "agency"
    assert view["consents"][0]["given_text"].startswith("Kommunen skrev upp ditt ja")


async def test_a_persons_read_of_their_own_view_is_logged(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await calls.enrol(new_personnummer())
    await own_view(deployment, person_ref, lambda v: True)

    async def logged() -> list[dict[str, Any]]:
        rows = await calls.call(
            "coordination",
            "GET",
            f"/audit/access-log?person_ref={person_ref}",
            agency=None,
            role="auditor",
        )
        return [r for r in rows if r["resource"] == "api:me"]

    rows = await eventually(logged)
    assert rows and rows[0]["role"] == "person" and rows[0]["purpose"] == "egen insyn"


async def test_a_person_sees_none_of_the_case_workers_pages(deployment: Deployment) -> None:
    calls = Calls(deployment)
    person_ref = await calls.enrol(new_personnummer())
    coordination = deployment.clients["coordination"]
    token = person(deployment, person_ref)["Authorization"].split()[1]
    coordination.cookies.set("samlad_token", token)
    try:
        caseload = await coordination.get("/ui", follow_redirects=False)
        case = await coordination.get(f"/ui/cases/{person_ref}", follow_redirects=False)
        live = await coordination.get("/ui/live")
        own = await coordination.get("/ui/me")
    finally:
        coordination.cookies.clear()

    assert caseload.status_code in (302, 303) and caseload.headers["location"] == "/ui/me"
    assert case.status_code in (302, 303) and person_ref not in case.text
    assert live.status_code == 401
    assert own.status_code == 200 and "Min sida" in own.text


async def test_the_development_login_takes_a_person_to_their_own_page(
    deployment: Deployment,
) -> None:
    pnr = new_personnummer()
    person_ref = await Calls(deployment).enrol(pnr)
    coordination = deployment.clients["coordination"]
    try:
        login = await coordination.post(
            "/ui/login/person", data={"person": pnr}, follow_redirects=False
        )
        own = await coordination.get("/ui/me")
    finally:
        coordination.cookies.clear()

    assert login.status_code == 303, login.text
    assert login.headers["location"] == "/ui/me"
    assert own.status_code == 200 and "Min sida" in own.text
    assert pnr not in own.text and person_ref not in own.text
