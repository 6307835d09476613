"""The case state is folded from the set of facts, whatever order they arrive in."""

from __future__ import annotations

import msgspec

from domain.agencies import Agency, Gender, InterventionType, Outcome
from domain.case import (
    CaseState,
    Fact,
    HandOffStatus,
    LaneStatus,
    Noted,
    fold,
    redacted_for,
    visible_to,
)

from .builders import (
    accepted,
    benefit_started,
    consent,
    day,
    deregistered,
    ended,
    enrolled,
    exited,
    hand_off,
    lead,
    lead_released,
    lost,
    noted,
    registered,
    rejected,
    resumed,
    started,
    withdrawn,
)

AF, FK, KOMMUN, REGION = Agency.AF, Agency.FK, Agency.KOMMUN, Agency.REGION


def status_of(state: CaseState, agency: Agency) -> LaneStatus | None:
    lane = state.lane(agency)
    return lane.status if lane else None


def test_a_fact_decodes_from_json_by_its_snake_case_kind() -> None:
    fact = hand_off("h1", FK, AF, 0)
    raw = msgspec.json.encode(fact)
    assert b'"kind":"hand_off_requested"' in raw
    assert msgspec.json.decode(raw, type=Fact) == fact


def test_enrolment_sets_who_the_person_is() -> None:
    state = fold([enrolled(0)])
    assert (state.kommun, state.gender, state.birth_year, state.enrolled_by) == (
        "Falun",
        Gender.WOMAN,
        1990,
        KOMMUN,
    )
    assert state.target_groups == ("langtidsarbetslos",)


def test_a_registered_agency_waits_and_an_intervention_makes_it_active() -> None:
    assert status_of(fold([registered(AF, 0)]), AF) is LaneStatus.WAITING
    state = fold([registered(AF, 0), started(AF, "i1", 2)])
    lane = state.lane(AF)
    assert lane is not None
    assert (lane.status, lane.since) == (LaneStatus.ACTIVE, day(2))


def test_a_running_benefit_makes_the_paying_agency_active() -> None:
    lane = fold([benefit_started("b1", 0)]).lane(FK)
    assert lane is not None
    assert lane.status is LaneStatus.ACTIVE


def test_the_receiver_of_a_pending_hand_off_has_a_planned_lane() -> None:
    lane = fold([registered(FK, 0), hand_off("h1", FK, AF, 1)]).lane(AF)
    assert lane is not None
    assert lane.status is LaneStatus.PLANNED


def test_accepting_a_hand_off_makes_the_receiver_hold_the_person() -> None:
    state = fold([hand_off("h1", FK, AF, 1), accepted("h1", AF, 2)])
    assert status_of(state, AF) is LaneStatus.WAITING
    assert state.hand_offs[0].status is HandOffStatus.ACCEPTED


def test_a_rejected_hand_off_leaves_the_receiver_finished() -> None:
    state = fold([hand_off("h1", FK, AF, 1), rejected("h1", AF, 2)])
    assert status_of(state, AF) is LaneStatus.FINISHED
    assert (state.hand_offs[0].status, state.hand_offs[0].reason) == (
        HandOffStatus.REJECTED,
        "fel målgrupp",
    )


def test_lost_contact_puts_a_lane_on_hold_until_contact_resumes() -> None:
    facts: list[Fact] = [registered(AF, 0), lost(AF, 3)]
    assert status_of(fold(facts), AF) is LaneStatus.ON_HOLD
    state = fold([*facts, resumed(AF, 4)])
    assert status_of(state, AF) is LaneStatus.WAITING


def test_a_deregistered_agency_is_finished_and_keeps_its_registration_period() -> None:
    lane = fold([registered(AF, 0), deregistered(AF, 5)]).lane(AF)
    assert lane is not None
    assert lane.status is LaneStatus.FINISHED
    assert [(p.start, p.end) for p in lane.registrations] == [(day(0), day(5))]


def test_parallel_interventions_are_kept_apart() -> None:
    state = fold(
        [
            started(KOMMUN, "i1", 0, InterventionType.STUDIES),
            started(REGION, "i2", 1, InterventionType.HEALTH_TRACK),
            ended(KOMMUN, "i1", 4, further=True),
        ]
    )
    assert [
        (i.intervention_id, i.running, i.further_support_needed) for i in state.interventions
    ] == [
        ("i1", False, True),
        ("i2", True, False),
    ]


def test_the_lead_is_held_until_released() -> None:
    assert fold([lead(KOMMUN, 0)]).lead is KOMMUN
    assert fold([lead(KOMMUN, 0), lead_released(KOMMUN, 1)]).lead is None


def test_exit_finishes_every_lane_and_keeps_the_outcome() -> None:
    state = fold([registered(AF, 0), started(AF, "i1", 1), exited(9, Outcome.STUDIES)])
    assert state.exit is not None
    assert state.exit.outcome is Outcome.STUDIES
    assert {lane.status for lane in state.lanes} == {LaneStatus.FINISHED}


def test_re_enrolment_opens_an_exited_case_again() -> None:
    assert fold([enrolled(0), exited(5), enrolled(40)]).exit is None


def test_a_noted_fact_changes_nothing_but_the_timeline() -> None:
    assert fold([registered(AF, 0), noted(REGION, 1)]) == fold([registered(AF, 0)])


# -- order independence -----------------------------------------------------------------


def test_facts_arriving_in_reverse_order_give_the_same_state() -> None:
    facts: list[Fact] = [
        enrolled(0),
        registered(AF, 1),
        hand_off("h1", AF, REGION, 2),
        accepted("h1", REGION, 3),
        started(REGION, "i1", 4),
        lost(AF, 5),
        ended(REGION, "i1", 9, further=True),
    ]
    assert fold(reversed(facts)) == fold(facts)


def test_an_acceptance_dated_before_its_request_still_matches_it() -> None:
    # The receiving agency's clock runs ahead: business time puts the answer first.
    state = fold([accepted("h1", AF, 1), hand_off("h1", FK, AF, 2)])
    assert state.hand_offs[0].status is HandOffStatus.ACCEPTED
    assert state.anomalies == ()


def test_an_intervention_ending_before_its_start_arrives_is_not_running() -> None:
    state = fold([ended(AF, "i1", 5), started(AF, "i1", 1)])
    assert not state.interventions[0].running
    assert state.anomalies == ()


def test_a_duplicated_fact_counts_once() -> None:
    fact = registered(AF, 0)
    assert fold([fact, fact, deregistered(AF, 2)]) == fold([fact, deregistered(AF, 2)])


# -- impossible facts -------------------------------------------------------------------


def test_an_acceptance_of_a_hand_off_never_requested_is_flagged_and_kept() -> None:
    answer = accepted("h9", AF, 1)
    state = fold([answer])
    assert [(a.event_id, a.kind) for a in state.anomalies] == [
        (answer.event_id, "hand_off_answer_without_request")
    ]
    assert status_of(state, AF) is LaneStatus.WAITING


def test_an_intervention_ended_that_never_started_is_flagged_and_kept() -> None:
    state = fold([ended(AF, "i9", 1)])
    assert [a.kind for a in state.anomalies] == ["intervention_ended_without_start"]
    assert [i.intervention_id for i in state.interventions] == ["i9"]


def test_an_answer_from_another_agency_than_the_receiver_is_flagged() -> None:
    state = fold([hand_off("h1", FK, AF, 0), accepted("h1", REGION, 1)])
    assert [a.kind for a in state.anomalies] == ["hand_off_answered_by_other_agency"]


def test_a_second_answer_to_one_hand_off_is_flagged() -> None:
    state = fold([hand_off("h1", FK, AF, 0), accepted("h1", AF, 1), rejected("h1", AF, 2)])
    assert state.hand_offs[0].status is HandOffStatus.ACCEPTED
    assert [a.kind for a in state.anomalies] == ["hand_off_answered_twice"]


def test_releasing_a_lead_one_never_held_is_flagged() -> None:
    state = fold([lead(KOMMUN, 0), lead_released(AF, 1)])
    assert state.lead is KOMMUN
    assert [a.kind for a in state.anomalies] == ["lead_released_by_non_lead"]


def test_a_withdrawal_of_a_consent_never_given_is_flagged() -> None:
    assert [a.kind for a in fold([withdrawn("c9", 0)]).anomalies] == [
        "consent_withdrawn_without_consent"
    ]


# -- consent and visibility -------------------------------------------------------------


def _health_note() -> Noted:
    return noted(REGION, 1, topic="lakarintyg", details={"diagnos": "F32"}, scope="halsa")


def test_the_reporting_agency_always_sees_its_own_details() -> None:
    assert visible_to(REGION, _health_note(), fold([]))


def test_another_agency_sees_details_only_under_consent_for_their_scope() -> None:
    note = _health_note()
    assert not visible_to(AF, note, fold([]))
    assert visible_to(AF, note, fold([consent("c1", "halsa", (AF,))]))
    assert not visible_to(AF, note, fold([consent("c1", "socialtjanst", (AF,))]))
    assert not visible_to(FK, note, fold([consent("c1", "halsa", (AF,))]))


def test_a_consent_for_all_scopes_covers_every_scope() -> None:
    assert visible_to(AF, _health_note(), fold([consent("c1", "alla", (AF, FK))]))


def test_a_withdrawn_consent_no_longer_covers_anything() -> None:
    state = fold([consent("c1", "halsa", (AF,), 0), withdrawn("c1", 3)])
    assert not visible_to(AF, _health_note(), state)


def test_redaction_removes_details_but_keeps_the_summary() -> None:
    note = _health_note()
    seen = redacted_for(AF, note, fold([]))
    assert (seen.details, seen.summary) == ({}, note.summary)
