"""Arbetsförmedlingen over HTTP: inskrivning, anvisning, stöd, anställning."""

from __future__ import annotations

import pytest

import contracts.af

from .harness import Agencies, assert_problem, event_as, new_personnummer


async def _registered(agencies: Agencies) -> str:
    ref = await agencies.person("af")
    response = await agencies["af"].post(f"/persons/{ref}/registration", json={})
    assert response.status_code == 200, response.text
    return ref


async def test_identifying_a_person_answers_the_same_reference_every_time(
    agencies: Agencies,
) -> None:
    pnr = new_personnummer()
    first = await agencies["af"].post("/persons", json={"personnummer": pnr})
    again = await agencies["af"].post("/persons", json={"personnummer": pnr.replace("-", "")})
    assert first.status_code == again.status_code == 201
    assert first.json()["person_ref"] == again.json()["person_ref"]
    assert pnr not in first.text


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"personnummer": "19811218-9875"}, 422, "personnummer"),
    # The document's pattern refuses it (400); only the check digit is a rule (422).
    ({"personnummer": "not-a-number"}, 400, "personnummer"),
    ({}, 400, "personnummer"),
    ({"personnummer": 198112189876}, 400, "personnummer"),
])
async def test_a_bad_personnummer_is_refused(
    agencies: Agencies, body: dict[str, object], status: int, field: str
) -> None:
    response = await agencies["af"].post("/persons", json=body)
    assert_problem(response, status, field)


async def test_job_seeker_registered_and_deregistered(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await _registered(agencies)

    deregistered = await af.post(f"/persons/{ref}/deregistration", json={"reason": "arbete"})

    assert deregistered.status_code == 200, deregistered.text
    events = await agencies.published(ref).at_least(2)
    assert [e.spec.type for e in events] == [
        "se.samlad.af.job-seeker-registered.v1", "se.samlad.af.job-seeker-deregistered.v1"]
    gone = event_as(events[1], contracts.af.JobSeekerDeregistered)
    assert agencies.text(ref, gone.reason) == "arbete"
    assert gone.reason_code is None


async def test_a_deregistration_code_given_is_published(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await _registered(agencies)

    deregistered = await af.post(f"/persons/{ref}/deregistration",
                                 json={"reason": "arbete", "reason_code": "1.1"})

    assert deregistered.status_code == 200, deregistered.text
    events = await agencies.published(ref).at_least(2)
    assert event_as(events[1], contracts.af.JobSeekerDeregistered).reason_code == "1.1"


async def test_invalid_registration_transitions_are_refused(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await agencies.person("af")

    not_registered = await af.post(f"/persons/{ref}/deregistration", json={"reason": "x"})
    await af.post(f"/persons/{ref}/registration", json={})
    twice = await af.post(f"/persons/{ref}/registration", json={})
    no_reason = await af.post(f"/persons/{ref}/deregistration", json={})
    unknown = await af.post(f"/persons/p{'b' * 26}/registration", json={})

    assert_problem(not_registered, 409)
    assert_problem(twice, 409)
    assert_problem(no_reason, 400, "reason")
    assert_problem(unknown, 404, "person_ref")
    assert await agencies.published(ref).types(1) == ["af:job-seeker-registered"]


async def test_referral_made_and_ended(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await _registered(agencies)

    made = await af.post(f"/persons/{ref}/referrals", json={
        "programme": "Rusta och matcha", "provider": "Lernia", "intervention_type": "matchning",
        "referral_id": "anv-1"})
    ended = await af.post(f"/persons/{ref}/referrals/anv-1/end",
                          json={"further_support_needed": True})

    assert made.json()["ids"] == {"referral_id": "anv-1"}
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(3)
    assert [e.spec.name for e in events] == [
        "job-seeker-registered", "referral-made", "referral-ended"]
    referral = event_as(events[1], contracts.af.ReferralMade)
    assert (referral.programme, referral.provider) == ("Rusta och matcha", "Lernia")
    assert event_as(events[2], contracts.af.ReferralEnded).further_support_needed is True


async def test_invalid_referral_transitions_are_refused(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await agencies.person("af")
    body = {"programme": "Rusta och matcha", "provider": "Lernia",
            "intervention_type": "matchning", "referral_id": "anv-1"}

    unregistered = await af.post(f"/persons/{ref}/referrals", json=body)
    await af.post(f"/persons/{ref}/registration", json={})
    never = await af.post(f"/persons/{ref}/referrals/anv-1/end", json={})
    await af.post(f"/persons/{ref}/referrals", json=body)
    duplicate = await af.post(f"/persons/{ref}/referrals", json=body)
    await af.post(f"/persons/{ref}/referrals/anv-1/end", json={})
    twice = await af.post(f"/persons/{ref}/referrals/anv-1/end", json={})
    no_provider = await af.post(f"/persons/{ref}/referrals",
                                json={k: v for k, v in body.items() if k != "provider"})
    bad_type = await af.post(f"/persons/{ref}/referrals",
                             json=body | {"intervention_type": "golf"})

    assert_problem(unregistered, 409, "referral_id")
    assert_problem(never, 404, "referral_id")
    assert_problem(duplicate, 409, "referral_id")
    assert_problem(twice, 409, "referral_id")
    assert_problem(no_provider, 400, "provider")
    assert_problem(bad_type, 400, "intervention_type")
    assert await agencies.published(ref).types(3) == [
        "af:job-seeker-registered", "af:referral-made", "af:referral-ended"]


async def test_subsidy_decided_for_a_period(agencies: Agencies) -> None:
    ref = await _registered(agencies)

    decided = await agencies["af"].post(f"/persons/{ref}/subsidies", json={
        "subsidy_kind": "lonestod", "employer": "Falu Energi & Vatten AB",
        "period_from": "2026-04-01", "period_to": "2027-03-31", "subsidy_id": "st-1"})

    assert decided.status_code == 201, decided.text
    events = await agencies.published(ref).at_least(2)
    assert events[1].spec.type == "se.samlad.af.subsidy-decided.v1"
    subsidy = event_as(events[1], contracts.af.SubsidyDecided)
    assert str(subsidy.period_to) == "2027-03-31"
    assert subsidy.subsidy_kind == "lonestod"


async def test_invalid_subsidies_are_refused(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await agencies.person("af")
    body = {"subsidy_kind": "anstallningsstod", "employer": "Stora Enso",
            "period_from": "2026-04-01", "period_to": "2026-09-30", "subsidy_id": "st-1"}

    no_end = await af.post(f"/persons/{ref}/subsidies",
                           json={k: v for k, v in body.items() if k != "period_to"})
    backwards = await af.post(f"/persons/{ref}/subsidies", json=body | {"period_to": "2026-01-01"})
    bad_kind = await af.post(f"/persons/{ref}/subsidies", json=body | {"subsidy_kind": "bidrag"})
    await af.post(f"/persons/{ref}/subsidies", json=body)
    duplicate = await af.post(f"/persons/{ref}/subsidies", json=body)

    assert_problem(no_end, 400, "period_to")
    assert_problem(backwards, 422, "period_to")
    assert_problem(bad_kind, 400, "subsidy_kind")
    assert_problem(duplicate, 409, "subsidy_id")
    assert await agencies.published(ref).types(1) == ["af:subsidy-decided"]


async def test_employment_started(agencies: Agencies) -> None:
    af = agencies["af"]
    ref = await _registered(agencies)

    started = await af.post(f"/persons/{ref}/employment",
                            json={"employer": "Dalarnas Försäkringsbolag", "subsidised": True})
    nameless = await af.post(f"/persons/{ref}/employment", json={"employer": ""})

    assert started.status_code == 201, started.text
    assert_problem(nameless, 400, "employer")
    events = await agencies.published(ref).at_least(2)
    assert events[1].spec.name == "employment-started"
    assert event_as(events[1], contracts.af.EmploymentStarted).subsidised is True
