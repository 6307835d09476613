"""Försäkringskassan over HTTP: sjukpenning, aktivitetsersättning, kartläggning, avstämning."""

from __future__ import annotations

import pytest

import contracts.fk

from .harness import Agencies, assert_problem, event_as

EFFECTIVE = "2026-03-02T08:00:00+00:00"


async def _granted(agencies: Agencies, ref: str, benefit_id: str, day: int = 1) -> None:
    response = await agencies["fk"].post(
        f"/persons/{ref}/sickness-benefits",
        json={"rehab_chain_day": day, "benefit_id": benefit_id})
    assert response.status_code == 201, response.text


async def test_sickness_benefit_granted_and_ended_is_published_with_day_and_reason(
    agencies: Agencies,
) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    granted = await fk.post(f"/persons/{ref}/sickness-benefits",
                            json={"rehab_chain_day": 1, "benefit_id": "sp-1",
                                  "effective_at": EFFECTIVE})
    ended = await fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                          json={"rehab_chain_day": 180, "end_reason": "arbetsformaga_bedomd"})

    assert granted.status_code == 201, granted.text
    assert granted.json()["ids"] == {"benefit_id": "sp-1"}
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(2)
    assert [e.spec.type for e in events] == [
        "se.samlad.fk.sickness-benefit-granted.v1", "se.samlad.fk.sickness-benefit-ended.v2",
    ]
    assert events[0].event.effective_at.isoformat() == EFFECTIVE
    assert event_as(events[0], contracts.fk.SicknessBenefitGranted).rehab_chain_day == 1
    benefit_ended = event_as(events[1], contracts.fk.SicknessBenefitEnded)
    assert benefit_ended.rehab_chain_day == 180
    assert benefit_ended.end_reason == "arbetsformaga_bedomd"
    assert events[1].event.recorded_at >= events[1].event.effective_at


async def test_a_benefit_never_granted_cannot_end(agencies: Agencies) -> None:
    ref = await agencies.person("fk")
    response = await agencies["fk"].post(
        f"/persons/{ref}/sickness-benefits/sp-x/end",
        json={"rehab_chain_day": 90, "end_reason": "annat"})
    assert_problem(response, 404, "benefit_id")


async def test_invalid_sickness_benefit_transitions_are_refused_and_publish_nothing(
    agencies: Agencies,
) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")
    await _granted(agencies, ref, "sp-1", day=30)

    while_active = await fk.post(f"/persons/{ref}/sickness-benefits",
                                 json={"rehab_chain_day": 31, "benefit_id": "sp-2"})
    same_id = await fk.post(f"/persons/{ref}/sickness-benefits",
                            json={"rehab_chain_day": 31, "benefit_id": "sp-1"})
    before_grant = await fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                                 json={"rehab_chain_day": 10, "end_reason": "annat"})
    ended = await fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                          json={"rehab_chain_day": 90, "end_reason": "atergang_i_arbete"})
    again = await fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                          json={"rehab_chain_day": 91, "end_reason": "annat"})

    assert_problem(while_active, 409, "benefit_id")
    assert_problem(same_id, 409, "benefit_id")
    assert_problem(before_grant, 422, "rehab_chain_day")
    assert ended.status_code == 200
    assert_problem(again, 409, "benefit_id")
    assert await agencies.published(ref).types(2) == [
        "fk:sickness-benefit-granted", "fk:sickness-benefit-ended"]


@pytest.mark.parametrize(("body", "field"), [
    ({"rehab_chain_day": 0}, "rehab_chain_day"),
    ({"rehab_chain_day": 1001}, "rehab_chain_day"),
    ({}, "rehab_chain_day"),
    ({"rehab_chain_day": "tre"}, "rehab_chain_day"),
    ({"rehab_chain_day": 5, "benefit_id": "has space"}, "benefit_id"),
    ({"rehab_chain_day": 5, "effective_at": "2026-01-01T00:00:00"}, "effective_at"),
    ({"rehab_chain_day": 5, "diagnos": "F32"}, "diagnos"),
])
async def test_a_malformed_grant_is_a_bad_request_naming_the_field(
    agencies: Agencies, body: dict[str, object], field: str
) -> None:
    ref = await agencies.person("fk")
    response = await agencies["fk"].post(f"/persons/{ref}/sickness-benefits", json=body)
    assert_problem(response, 400, field)


@pytest.mark.parametrize(("body", "field"), [
    ({"rehab_chain_day": 180}, "end_reason"),
    ({"rehab_chain_day": 180, "end_reason": "okand"}, "end_reason"),
    ({"end_reason": "annat"}, "rehab_chain_day"),
])
async def test_a_malformed_end_is_a_bad_request_naming_the_field(
    agencies: Agencies, body: dict[str, object], field: str
) -> None:
    ref = await agencies.person("fk")
    await _granted(agencies, ref, "sp-1")
    response = await agencies["fk"].post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                                         json=body)
    assert_problem(response, 400, field)


async def test_activity_compensation_granted_and_ended(agencies: Agencies) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    granted = await fk.post(f"/persons/{ref}/activity-compensations", json={
        "period_from": "2026-01-01", "period_to": "2026-12-31", "compensation_id": "ae-1"})
    ended = await fk.post(f"/persons/{ref}/activity-compensations/ae-1/end", json={})

    assert granted.status_code == 201, granted.text
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(2)
    assert [e.spec.name for e in events] == [
        "activity-compensation-granted", "activity-compensation-ended"]
    assert str(event_as(events[0], contracts.fk.ActivityCompensationGranted).period_to) == (
        "2026-12-31")
    compensation_ended = event_as(events[1], contracts.fk.ActivityCompensationEnded)
    assert compensation_ended.compensation_id == "ae-1"


async def test_invalid_activity_compensation_transitions_are_refused(
    agencies: Agencies,
) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    backwards = await fk.post(f"/persons/{ref}/activity-compensations", json={
        "period_from": "2026-06-01", "period_to": "2026-01-01"})
    never = await fk.post(f"/persons/{ref}/activity-compensations/ae-9/end", json={})
    open_ended = await fk.post(f"/persons/{ref}/activity-compensations",
                               json={"period_from": "2026-06-01"})
    await fk.post(f"/persons/{ref}/activity-compensations", json={
        "period_from": "2026-01-01", "period_to": "2026-12-31", "compensation_id": "ae-1"})
    await fk.post(f"/persons/{ref}/activity-compensations/ae-1/end", json={})
    twice = await fk.post(f"/persons/{ref}/activity-compensations/ae-1/end", json={})

    assert_problem(backwards, 422, "period_to")
    assert_problem(never, 404, "compensation_id")
    assert_problem(open_ended, 400, "period_to")
    assert_problem(twice, 409, "compensation_id")
    assert await agencies.published(ref).types(2) == [
        "fk:activity-compensation-granted", "fk:activity-compensation-ended"]


async def test_joint_assessment_requested_of_other_agencies(agencies: Agencies) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    requested = await fk.post(f"/persons/{ref}/joint-assessments",
                              json={"to_agencies": ["af", "kommun"], "assessment_id": "gk-1"})
    again = await fk.post(f"/persons/{ref}/joint-assessments",
                          json={"to_agencies": ["af"], "assessment_id": "gk-1"})
    of_itself = await fk.post(f"/persons/{ref}/joint-assessments",
                              json={"to_agencies": ["fk", "af"]})
    of_nobody = await fk.post(f"/persons/{ref}/joint-assessments", json={"to_agencies": []})
    of_unknown = await fk.post(f"/persons/{ref}/joint-assessments",
                               json={"to_agencies": ["skatteverket"]})

    assert requested.json()["ids"] == {"assessment_id": "gk-1"}
    assert_problem(again, 409, "assessment_id")
    assert_problem(of_itself, 422, "to_agencies")
    assert_problem(of_nobody, 400, "to_agencies")
    assert_problem(of_unknown, 400, "to_agencies")
    events = await agencies.published(ref).at_least(1)
    assert [e.spec.name for e in events] == ["joint-assessment-requested"]
    requested_event = event_as(events[0], contracts.fk.JointAssessmentRequested)
    assert requested_event.to_agencies == ["af", "kommun"]


async def test_reconciliation_meeting_held(agencies: Agencies) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    held = await fk.post(f"/persons/{ref}/reconciliation-meetings", json={
        "participants": ["fk", "region", "af"], "meeting_id": "am-1",
        "effective_at": EFFECTIVE})
    again = await fk.post(f"/persons/{ref}/reconciliation-meetings",
                          json={"participants": ["fk"], "meeting_id": "am-1"})
    empty = await fk.post(f"/persons/{ref}/reconciliation-meetings", json={"participants": []})

    assert held.status_code == 201, held.text
    assert_problem(again, 409, "meeting_id")
    assert_problem(empty, 400, "participants")
    events = await agencies.published(ref).at_least(1)
    assert [e.spec.name for e in events] == ["reconciliation-meeting-held"]
    meeting = event_as(events[0], contracts.fk.ReconciliationMeetingHeld)
    assert meeting.participants == ["fk", "region", "af"]


async def test_commands_for_a_person_unknown_to_fk_are_not_found(agencies: Agencies) -> None:
    unknown = "p" + "a" * 26
    response = await agencies["fk"].post(f"/persons/{unknown}/sickness-benefits",
                                         json={"rehab_chain_day": 1})
    assert_problem(response, 404, "person_ref")


async def test_a_benefit_that_ends_before_it_was_granted_is_refused(agencies: Agencies) -> None:
    """Finding 7: the end's business date precedes the grant's; 422, nothing published."""
    fk = agencies["fk"]
    ref = await agencies.person("fk")
    granted = await fk.post(f"/persons/{ref}/sickness-benefits",
                            json={"rehab_chain_day": 1, "benefit_id": "sp-early",
                                  "effective_at": EFFECTIVE})
    assert granted.status_code == 201, granted.text
    ended = await fk.post(f"/persons/{ref}/sickness-benefits/sp-early/end",
                          json={"rehab_chain_day": 90, "end_reason": "annat",
                                "effective_at": "2026-02-01T08:00:00+00:00"})
    assert_problem(ended, 422, "effective_at")
    events = await agencies.published(ref).at_least(1)
    assert [e.spec.type for e in events] == ["se.samlad.fk.sickness-benefit-granted.v1"]
