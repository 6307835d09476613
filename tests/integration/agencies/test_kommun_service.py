"""The kommun over HTTP: inskrivning, kartläggning, insatser, försörjningsstöd, SIP."""

from __future__ import annotations

import pytest

import contracts.kommun

from .harness import Agencies, assert_problem, event_as, new_personnummer

ENROLMENT = {"kommun": "Borlänge", "gender": "man", "birth_year": 1994,
             "target_groups": ["langtidsarbetslos", "utanfor_12_manader"]}


async def test_enrolment_publishes_what_follow_up_needs_and_never_the_personnummer(
    agencies: Agencies,
) -> None:
    pnr = new_personnummer()
    response = await agencies["kommun"].post(
        "/persons", json=ENROLMENT | {"personnummer": pnr,
                                      "effective_at": "2026-01-12T08:00:00+00:00"})

    assert response.status_code == 201, response.text
    ref = response.json()["person_ref"]
    [event] = await agencies.published(ref).at_least(1)
    assert event.spec.type == "se.samlad.kommun.person-enrolled.v1"
    enrolled = event_as(event, contracts.kommun.PersonEnrolled)
    assert (enrolled.kommun, enrolled.gender, enrolled.birth_year) == (
        "Borlänge", "man", 1994)
    assert enrolled.target_groups == ["langtidsarbetslos", "utanfor_12_manader"]
    digits = pnr.replace("-", "")
    assert digits[2:] not in bytes(event.envelope.data).decode()


async def test_enrolling_twice_is_a_conflict(agencies: Agencies) -> None:
    body = ENROLMENT | {"personnummer": new_personnummer()}
    first = await agencies["kommun"].post("/persons", json=body)
    again = await agencies["kommun"].post("/persons", json=body | {"kommun": "Falun"})
    assert first.status_code == 201
    assert_problem(again, 409)


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"personnummer": "19811218-9875"}, 422, "personnummer"),
    ({"kommun": None}, 400, "kommun"),
    ({"gender": "okänt"}, 400, "gender"),
    ({"birth_year": 1850}, 400, "birth_year"),
    ({"target_groups": [""]}, 400, "target_groups"),
    ({"target_groups": "ung"}, 400, "target_groups"),
    # Lax conversions the document refuses: a number as a date-time, a string as a number.
    ({"effective_at": 0.0}, 400, "effective_at"),
    ({"birth_year": "1990"}, 400, "birth_year"),
])
async def test_a_malformed_enrolment_is_refused_naming_the_field(
    agencies: Agencies, change: dict[str, object], status: int, field: str
) -> None:
    body = {k: v for k, v in (ENROLMENT | {"personnummer": new_personnummer()} | change).items()
            if v is not None}
    response = await agencies["kommun"].post("/persons", json=body)
    assert_problem(response, status, field)


async def test_needs_assessment_completed(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    done = await kommun.post(f"/persons/{ref}/needs-assessments", json={
        "further_support_needed": True, "summary": "Behöver arbetsträning"})
    no_summary = await kommun.post(f"/persons/{ref}/needs-assessments",
                                   json={"further_support_needed": True})
    unknown = await kommun.post(f"/persons/p{'c' * 26}/needs-assessments",
                                json={"further_support_needed": False, "summary": "x"})

    assert done.status_code == 201, done.text
    assert_problem(no_summary, 400, "summary")
    assert_problem(unknown, 404, "person_ref")
    events = await agencies.published(ref).at_least(2)
    assert events[1].spec.name == "needs-assessment-completed"
    assessment = event_as(events[1], contracts.kommun.NeedsAssessmentCompleted)
    assert agencies.text(ref, assessment.summary) == "Behöver arbetsträning"


async def test_intervention_started_and_ended(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    started = await kommun.post(f"/persons/{ref}/interventions",
                                json={"intervention_type": "arbetstraning"})
    intervention_id = started.json()["ids"]["intervention_id"]
    ended = await kommun.post(f"/persons/{ref}/interventions/{intervention_id}/end",
                              json={"further_support_needed": True})

    assert started.status_code == 201, started.text
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(3)
    assert [e.spec.name for e in events[1:]] == ["intervention-started", "intervention-ended"]
    started_event = event_as(events[1], contracts.kommun.InterventionStarted)
    ended_event = event_as(events[2], contracts.kommun.InterventionEnded)
    assert started_event.intervention_type == "arbetstraning"
    assert ended_event.intervention_id == intervention_id
    assert ended_event.further_support_needed is True


async def test_invalid_intervention_transitions_are_refused(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    never = await kommun.post(f"/persons/{ref}/interventions/ins-9/end", json={})
    bad_type = await kommun.post(f"/persons/{ref}/interventions",
                                 json={"intervention_type": "golf"})
    await kommun.post(f"/persons/{ref}/interventions",
                      json={"intervention_type": "praktik", "intervention_id": "ins-1"})
    duplicate = await kommun.post(f"/persons/{ref}/interventions",
                                  json={"intervention_type": "praktik", "intervention_id": "ins-1"})
    await kommun.post(f"/persons/{ref}/interventions/ins-1/end", json={})
    twice = await kommun.post(f"/persons/{ref}/interventions/ins-1/end", json={})

    assert_problem(never, 404, "intervention_id")
    assert_problem(bad_type, 400, "intervention_type")
    assert_problem(duplicate, 409, "intervention_id")
    assert_problem(twice, 409, "intervention_id")
    assert await agencies.published(ref).types(3) == [
        "kommun:person-enrolled", "kommun:intervention-started", "kommun:intervention-ended"]


async def test_income_support_decided_and_ended(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    decided = await kommun.post(f"/persons/{ref}/income-support",
                                json={"period_from": "2026-01-01", "decision_id": "fbs-1"})
    ended = await kommun.post(f"/persons/{ref}/income-support/fbs-1/end", json={})

    assert decided.status_code == 201, decided.text
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(3)
    assert [e.spec.name for e in events[1:]] == ["income-support-decided",
                                                 "income-support-ended"]
    assert event_as(events[1], contracts.kommun.IncomeSupportDecided).period_to is None


async def test_invalid_income_support_is_refused(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    backwards = await kommun.post(f"/persons/{ref}/income-support",
                                  json={"period_from": "2026-03-01", "period_to": "2026-02-01"})
    never = await kommun.post(f"/persons/{ref}/income-support/fbs-9/end", json={})
    no_start = await kommun.post(f"/persons/{ref}/income-support", json={})
    await kommun.post(f"/persons/{ref}/income-support",
                      json={"period_from": "2026-01-01", "decision_id": "fbs-1"})
    duplicate = await kommun.post(f"/persons/{ref}/income-support",
                                  json={"period_from": "2026-01-01", "decision_id": "fbs-1"})

    assert_problem(backwards, 422, "period_to")
    assert_problem(never, 404, "decision_id")
    assert_problem(no_start, 400, "period_from")
    assert_problem(duplicate, 409, "decision_id")
    assert await agencies.published(ref).types(2) == [
        "kommun:person-enrolled", "kommun:income-support-decided"]


async def test_sip_initiated_with_the_region(agencies: Agencies) -> None:
    kommun = agencies["kommun"]
    ref = await agencies.person("kommun")

    initiated = await kommun.post(f"/persons/{ref}/sips",
                                  json={"lead_agency": "region", "sip_id": "sip-1"})
    again = await kommun.post(f"/persons/{ref}/sips",
                              json={"lead_agency": "kommun", "sip_id": "sip-1"})
    led_by_af = await kommun.post(f"/persons/{ref}/sips", json={"lead_agency": "af"})
    no_lead = await kommun.post(f"/persons/{ref}/sips", json={})

    assert initiated.status_code == 201, initiated.text
    assert_problem(again, 409, "sip_id")
    assert_problem(led_by_af, 409, "lead_agency")
    assert_problem(no_lead, 400, "lead_agency")
    events = await agencies.published(ref).at_least(2)
    sip = events[1]
    assert (sip.spec.name, event_as(sip, contracts.kommun.SipInitiated).lead_agency) == (
        "sip-initiated", "region")
