"""What all four agencies record alike, over HTTP: consent, hand-offs, contact, lead, exit."""

from __future__ import annotations

from typing import Any

import pytest

import contracts.common
from tests.waiting import eventually

from .harness import Agencies, assert_problem, event_as, new_personnummer

AGENCIES = ["kommun", "af", "fk", "region"]


@pytest.mark.parametrize("agency", AGENCIES)
async def test_consent_given_and_withdrawn(agencies: Agencies, agency: str) -> None:
    client = agencies[agency]
    ref = await agencies.person(agency)

    given = await client.post(f"/persons/{ref}/consents", json={
        "consent_scope": "samordning", "to_agencies": ["kommun", "af", "fk", "region"],
        "consent_id": "sam-1"})
    withdrawn = await client.post(f"/persons/{ref}/consents/sam-1/withdraw", json={})

    assert given.status_code == 201, given.text
    assert withdrawn.status_code == 200, withdrawn.text
    events = await agencies.published(ref).at_least(2 + (agency == "kommun"))
    mine = [e for e in events if e.spec.name.startswith("consent")]
    assert [e.spec.type for e in mine] == [
        f"se.samlad.{agency}.consent-given.v1", f"se.samlad.{agency}.consent-withdrawn.v1"]
    assert event_as(mine[0], contracts.common.ConsentGiven).consent_scope == "samordning"
    assert event_as(mine[1], contracts.common.ConsentWithdrawn).consent_id == "sam-1"


async def test_invalid_consent_transitions_are_refused(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await agencies.person("af")
    body = {"consent_scope": "sip", "to_agencies": ["region"], "consent_id": "c-1"}

    never = await af.post(f"/persons/{ref}/consents/c-9/withdraw", json={})
    to_nobody = await af.post(f"/persons/{ref}/consents", json=body | {"to_agencies": []})
    to_stranger = await af.post(f"/persons/{ref}/consents",
                                json=body | {"to_agencies": ["migrationsverket"]})
    no_scope = await af.post(f"/persons/{ref}/consents",
                             json={k: v for k, v in body.items() if k != "consent_scope"})
    await af.post(f"/persons/{ref}/consents", json=body)
    duplicate = await af.post(f"/persons/{ref}/consents", json=body)
    await af.post(f"/persons/{ref}/consents/c-1/withdraw", json={})
    twice = await af.post(f"/persons/{ref}/consents/c-1/withdraw", json={})

    assert_problem(never, 404, "consent_id")
    assert_problem(to_nobody, 400, "to_agencies")
    assert_problem(to_stranger, 400, "to_agencies")
    assert_problem(no_scope, 400, "consent_scope")
    assert_problem(duplicate, 409, "consent_id")
    assert_problem(twice, 404, "consent_id")
    assert await agencies.published(ref).types(2) == ["af:consent-given", "af:consent-withdrawn"]


async def _known_to(agencies: Agencies, *names: str) -> str:
    """A person enrolled at the kommun and identified at the other ``names``."""
    pnr = new_personnummer()
    enrolled = await agencies["kommun"].post("/persons", json={
        "personnummer": pnr, "kommun": "Ludvika", "gender": "kvinna", "birth_year": 1988})
    ref = str(enrolled.json()["person_ref"])
    for name in names:
        await agencies.identify(name, ref, pnr)
    return ref


async def _received(agencies: Agencies, agency: str, ref: str, hand_off_id: str) -> None:
    """Wait until ``agency`` has recorded the hand-off from the bus."""
    async def arrived() -> bool:
        response = await agencies[agency].get(f"/persons/{ref}")
        return response.status_code == 200 and hand_off_id in response.json()[
            "incoming_hand_offs"]

    assert await eventually(arrived), f"{agency} never received {hand_off_id}"


async def test_a_hand_off_requested_by_the_kommun_is_received_and_accepted_by_af(
    agencies: Agencies,
) -> None:
    ref = await _known_to(agencies)

    requested = await agencies["kommun"].post(f"/persons/{ref}/hand-offs", json={
        "to_agency": "af", "reason": "Redo för matchning", "hand_off_id": "ho-1"})
    # AF never saw the person: the hand-off itself opens its record.
    await _received(agencies, "af", ref, "ho-1")
    accepted = await agencies["af"].post(f"/persons/{ref}/hand-offs/ho-1/accept", json={})

    assert requested.json()["ids"] == {"hand_off_id": "ho-1"}
    assert accepted.status_code == 200, accepted.text
    events = await agencies.published(ref).at_least(3)
    assert [f"{e.spec.agency}:{e.spec.name}" for e in events] == [
        "kommun:person-enrolled", "kommun:hand-off-requested", "af:hand-off-accepted"]
    assert event_as(events[1], contracts.common.HandOffRequested).to_agency == "af"
    assert event_as(events[2], contracts.common.HandOffAccepted).from_agency == "kommun"


async def test_a_hand_off_rejected_with_a_reason(agencies: Agencies) -> None:
    ref = await _known_to(agencies, "fk", "region")

    await agencies["fk"].post(f"/persons/{ref}/hand-offs", json={
        "to_agency": "region", "reason": "Behöver medicinsk bedömning", "hand_off_id": "ho-2"})
    await _received(agencies, "region", ref, "ho-2")
    no_reason = await agencies["region"].post(f"/persons/{ref}/hand-offs/ho-2/reject", json={})
    rejected = await agencies["region"].post(f"/persons/{ref}/hand-offs/ho-2/reject",
                                             json={"reason": "Ingen remiss"})
    after = await agencies["region"].post(f"/persons/{ref}/hand-offs/ho-2/accept", json={})

    assert_problem(no_reason, 400, "reason")
    assert rejected.status_code == 200, rejected.text
    assert_problem(after, 409, "hand_off_id")
    events = await agencies.published(ref).at_least(3)
    assert [f"{e.spec.agency}:{e.spec.name}" for e in events] == [
        "kommun:person-enrolled", "fk:hand-off-requested", "region:hand-off-rejected"]
    rejection = event_as(events[2], contracts.common.HandOffRejected)
    assert rejection.from_agency == "fk"
    assert agencies.text(ref, rejection.reason) == "Ingen remiss"


async def test_the_agency_that_asked_learns_that_its_hand_off_was_rejected(
    agencies: Agencies,
) -> None:
    """Finding 2: the sender's own record says rejected, not requested, once answered."""
    ref = await _known_to(agencies, "fk", "region")
    await agencies["fk"].post(f"/persons/{ref}/hand-offs", json={
        "to_agency": "region", "reason": "Behöver bedömning", "hand_off_id": "ho-learn"})
    await _received(agencies, "region", ref, "ho-learn")
    rejected = await agencies["region"].post(f"/persons/{ref}/hand-offs/ho-learn/reject",
                                             json={"reason": "Ingen remiss"})
    assert rejected.status_code == 200, rejected.text

    async def learnt() -> bool:
        record = (await agencies["fk"].get(f"/persons/{ref}")).json()
        return bool(record["outgoing_hand_offs"].get("ho-learn") == "rejected")

    assert await eventually(learnt), "FK's own record still says the hand-off is requested"


async def test_a_display_name_stays_in_the_agencys_own_record(agencies: Agencies) -> None:
    """Finding 5: the agency's own case workers recognise the person; nothing is published."""
    ref = await _known_to(agencies, "af")
    named = await agencies["kommun"].post(f"/persons/{ref}/display-name",
                                          json={"display_name": "Anna A."})
    assert named.status_code == 200, named.text
    own = (await agencies["kommun"].get(f"/persons/{ref}")).json()
    asked = await agencies["kommun"].post("/display-names",
                                          json={"person_refs": [ref, "p" + "a" * 26]})
    at_af = await agencies["af"].post("/display-names", json={"person_refs": [ref]})
    assert own["display_name"] == "Anna A."
    assert asked.json() == {"names": {ref: "Anna A."}}
    assert at_af.json() == {"names": {}}  # AF's own record holds no name
    assert await agencies.published(ref).types(1) == ["kommun:person-enrolled"]


async def test_a_hand_off_addressed_to_another_agency_cannot_be_accepted_here(
    agencies: Agencies,
) -> None:
    ref = await _known_to(agencies, "af", "fk")

    await agencies["kommun"].post(f"/persons/{ref}/hand-offs", json={
        "to_agency": "af", "reason": "Matchning", "hand_off_id": "ho-3"})
    await _received(agencies, "af", ref, "ho-3")
    by_fk = await agencies["fk"].post(f"/persons/{ref}/hand-offs/ho-3/accept", json={})
    by_sender = await agencies["kommun"].post(f"/persons/{ref}/hand-offs/ho-3/accept", json={})
    accepted = await agencies["af"].post(f"/persons/{ref}/hand-offs/ho-3/accept", json={})
    twice = await agencies["af"].post(f"/persons/{ref}/hand-offs/ho-3/accept", json={})

    assert_problem(by_fk, 404, "hand_off_id")
    assert_problem(by_sender, 404, "hand_off_id")
    assert accepted.status_code == 200
    assert_problem(twice, 409, "hand_off_id")


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"to_agency": "kommun", "reason": "x"}, 409, "to_agency"),
    ({"to_agency": "polisen", "reason": "x"}, 400, "to_agency"),
    ({"to_agency": "af", "reason": ""}, 400, "reason"),
    ({"to_agency": "af"}, 400, "reason"),
])
async def test_a_bad_hand_off_request_is_refused(
    agencies: Agencies, body: dict[str, Any], status: int, field: str
) -> None:
    ref = await agencies.person("kommun")
    response = await agencies["kommun"].post(f"/persons/{ref}/hand-offs", json=body)
    assert_problem(response, status, field)


async def test_requesting_the_same_hand_off_twice_is_a_conflict(agencies: Agencies) -> None:
    ref = await agencies.person("fk")
    body = {"to_agency": "af", "reason": "Sjukpenning upphör", "hand_off_id": "ho-4"}
    await agencies["fk"].post(f"/persons/{ref}/hand-offs", json=body)
    again = await agencies["fk"].post(f"/persons/{ref}/hand-offs", json=body)
    assert_problem(again, 409, "hand_off_id")


@pytest.mark.parametrize("agency", AGENCIES)
async def test_contact_lost_and_resumed(agencies: Agencies, agency: str) -> None:
    client = agencies[agency]
    ref = await agencies.person(agency)

    not_lost = await client.post(f"/persons/{ref}/contact/resumed", json={})
    lost = await client.post(f"/persons/{ref}/contact/lost",
                             json={"effective_at": "2026-02-01T00:00:00Z"})
    lost_again = await client.post(f"/persons/{ref}/contact/lost", json={})
    resumed = await client.post(f"/persons/{ref}/contact/resumed", json={})

    assert_problem(not_lost, 409)
    assert (lost.status_code, resumed.status_code) == (200, 200)
    assert_problem(lost_again, 409)
    events = [e for e in await agencies.published(ref).at_least(2 + (agency == "kommun"))
              if e.spec.name.startswith("contact")]
    assert [e.spec.type for e in events] == [
        f"se.samlad.{agency}.contact-lost.v1", f"se.samlad.{agency}.contact-resumed.v1"]
    assert events[0].event.effective_at.isoformat() == "2026-02-01T00:00:00+00:00"


@pytest.mark.parametrize("agency", AGENCIES)
async def test_lead_responsibility_assumed_and_released(
    agencies: Agencies, agency: str
) -> None:
    client = agencies[agency]
    ref = await agencies.person(agency)

    not_held = await client.post(f"/persons/{ref}/lead/release", json={})
    assumed = await client.post(f"/persons/{ref}/lead/assume", json={})
    twice = await client.post(f"/persons/{ref}/lead/assume", json={})
    released = await client.post(f"/persons/{ref}/lead/release", json={})

    assert_problem(not_held, 409)
    assert (assumed.status_code, released.status_code) == (200, 200)
    assert_problem(twice, 409)
    events = [e for e in await agencies.published(ref).at_least(2 + (agency == "kommun"))
              if e.spec.name.startswith("lead")]
    assert [e.spec.name for e in events] == [
        "lead-responsibility-assumed", "lead-responsibility-released"]
    assert {e.spec.agency for e in events} == {agency}


@pytest.mark.parametrize(("agency", "outcome"), [
    ("kommun", "arbete"), ("af", "studier"), ("fk", "soker_arbete"), ("region", "annat"),
    ("kommun", "praktik"),
])
async def test_participant_exited_with_an_outcome(
    agencies: Agencies, agency: str, outcome: str
) -> None:
    client = agencies[agency]
    ref = await agencies.person(agency)

    exited = await client.post(f"/persons/{ref}/exit", json={"outcome": outcome})
    twice = await client.post(f"/persons/{ref}/exit", json={"outcome": outcome})

    assert exited.status_code == 200, exited.text
    assert_problem(twice, 409)
    events = await agencies.published(ref).at_least(1 + (agency == "kommun"))
    exit_event = events[-1]
    assert (exit_event.spec.type,
            event_as(exit_event, contracts.common.ParticipantExited).outcome) == (
        f"se.samlad.{agency}.participant-exited.v1", outcome)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("exit", {"outcome": "lotteri"}, "outcome"),
    ("exit", {}, "outcome"),
    ("contact/lost", {"effective_at": "igår"}, "effective_at"),
    ("lead/assume", {"effective_at": "2026-01-01T10:00:00"}, "effective_at"),
    ("lead/assume", {"who": "af"}, "who"),
])
@pytest.mark.parametrize("agency", AGENCIES)
async def test_a_malformed_common_command_is_a_bad_request_naming_the_field(
    agencies: Agencies, agency: str, path: str, body: dict[str, Any], field: str
) -> None:
    ref = await agencies.person(agency)
    response = await agencies[agency].post(f"/persons/{ref}/{path}", json=body)
    assert_problem(response, 400, field)


@pytest.mark.parametrize("agency", AGENCIES)
async def test_a_body_that_is_not_json_is_a_bad_request(agencies: Agencies, agency: str) -> None:
    ref = await agencies.person(agency)
    response = await agencies[agency].post(
        f"/persons/{ref}/contact/lost", content=b"{lost",
        headers={"content-type": "application/json"})
    assert_problem(response, 400)


@pytest.mark.parametrize("agency", AGENCIES)
async def test_each_agency_answers_its_own_record_and_not_found_for_strangers(
    agencies: Agencies, agency: str
) -> None:
    ref = await agencies.person(agency)
    own = await agencies[agency].get(f"/persons/{ref}")
    stranger = await agencies[agency].get(f"/persons/p{'d' * 26}")
    assert (own.json()["agency"], own.json()["person_ref"]) == (agency, ref)
    assert_problem(stranger, 404, "person_ref")


@pytest.mark.parametrize(("agency", "path"), [
    ("kommun", "/persons/{person_ref}/interventions"),
    ("af", "/persons/{person_ref}/referrals"),
    ("fk", "/persons/{person_ref}/sickness-benefits"),
    ("region", "/persons/{person_ref}/sick-leave-certificates"),
])
async def test_each_agency_serves_its_openapi_at_schema(
    agencies: Agencies, agency: str, path: str
) -> None:
    response = await agencies[agency].get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert path in paths
    assert "/persons/{person_ref}/hand-offs/{hand_off_id}/accept" in paths

