"""Each gap rule fires when it should, stays silent when it should not, and resolves."""

from __future__ import annotations

import msgspec

from domain.agencies import Agency, InterventionType
from domain.case import Case, Fact, Rule, RulePolicy

from .builders import (
    accepted,
    benefit_ended,
    benefit_started,
    case_with,
    day,
    deregistered,
    ended,
    enrolled,
    exited,
    hand_off,
    lead,
    lost,
    registered,
    rejected,
    resumed,
    started,
)

POLICY = RulePolicy()
AF, FK, KOMMUN, REGION = Agency.AF, Agency.FK, Agency.KOMMUN, Agency.REGION


def alerts_at(case: Case, at: float) -> set[tuple[str, str]]:
    case.review(day(at), POLICY)
    return {(alert.rule, alert.subject) for alert in case.open_alerts}


def rules_at(case: Case, at: float) -> set[str]:
    return {rule for rule, _ in alerts_at(case, at)}


def add(case: Case, *facts: Fact) -> Case:
    for fact in facts:
        case.record(fact)
    return case


# -- 1. hand_off_unanswered -----------------------------------------------------------


def test_an_unanswered_hand_off_is_reported_after_five_days() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1))
    assert alerts_at(case, 5.9) == set()
    assert (Rule.HAND_OFF_UNANSWERED, "h1") in alerts_at(case, 6)


def test_the_unanswered_hand_off_alert_names_both_agencies_and_its_dates() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1))
    case.review(day(7), POLICY)
    (alert,) = case.open_alerts
    assert alert.agencies == (AF, FK)
    assert (alert.since, alert.due_at, alert.raised_at) == (day(1), day(6), day(7))
    assert "obesvarad" in alert.message


def test_an_accepted_hand_off_resolves_the_alert() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1))
    assert alerts_at(case, 7) == {(Rule.HAND_OFF_UNANSWERED, "h1")}
    add(case, accepted("h1", AF, 7))
    assert alerts_at(case, 7) == set()


def test_a_rejected_hand_off_is_answered_too() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1), rejected("h1", AF, 2))
    assert Rule.HAND_OFF_UNANSWERED not in rules_at(case, 30)


def test_a_hand_off_answered_in_time_never_raises() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1), accepted("h1", AF, 3))
    assert Rule.HAND_OFF_UNANSWERED not in rules_at(case, 30)


def test_a_back_dated_hand_off_whose_deadline_passed_raises_at_once() -> None:
    case = case_with(registered(FK, 0))
    assert alerts_at(case, 20) == set()
    add(case, hand_off("h1", FK, AF, 2))
    assert (Rule.HAND_OFF_UNANSWERED, "h1") in alerts_at(case, 20)


# -- 2. no_one_holds_case -------------------------------------------------------------


def test_a_case_nobody_holds_is_reported_after_fourteen_days() -> None:
    case = case_with(registered(AF, 1), deregistered(AF, 3))
    assert Rule.NO_ONE_HOLDS_CASE not in rules_at(case, 16.9)
    assert Rule.NO_ONE_HOLDS_CASE in rules_at(case, 17)


def test_the_enrolling_kommun_holds_the_person_until_exit() -> None:
    case = case_with(enrolled(0), registered(AF, 1), deregistered(AF, 3))
    assert Rule.NO_ONE_HOLDS_CASE not in rules_at(case, 60)
    lane = case.state.lane(KOMMUN)
    assert lane is not None and lane.holds and lane.since == day(0)


def test_an_enrolment_today_after_a_benefit_ended_weeks_ago_is_a_benefit_gap_only() -> None:
    """Finding 1: the person the kommun enrolled is held; the FK benefit gap stays."""
    case = case_with(benefit_started("b1", 0), benefit_ended("b1", 10), enrolled(30))
    assert rules_at(case, 30) == {Rule.BENEFIT_GAP}
    assert case.state.unheld_since is None
    assert case.state.holding_agencies() == (KOMMUN,)


def test_a_pending_hand_off_holds_the_case() -> None:
    case = case_with(registered(FK, 0), deregistered(FK, 1), hand_off("h1", FK, AF, 1))
    assert Rule.NO_ONE_HOLDS_CASE not in rules_at(case, 40)


def test_a_new_registration_resolves_the_case_nobody_holds() -> None:
    case = case_with(registered(FK, 0), deregistered(FK, 0))
    assert Rule.NO_ONE_HOLDS_CASE in rules_at(case, 20)
    add(case, registered(AF, 20))
    assert Rule.NO_ONE_HOLDS_CASE not in rules_at(case, 20)


def test_an_exited_person_is_held_by_nobody_and_that_is_fine() -> None:
    case = case_with(enrolled(0), registered(AF, 1), exited(5))
    assert alerts_at(case, 60) == set()


# -- 3. benefit_gap --------------------------------------------------------------------


def test_an_ended_sickness_benefit_without_af_registration_is_reported_after_three_days() -> None:
    case = case_with(registered(REGION, 0), benefit_started("b1", 0), benefit_ended("b1", 90))
    assert Rule.BENEFIT_GAP not in rules_at(case, 92.9)
    assert (Rule.BENEFIT_GAP, "b1") in alerts_at(case, 93)


def test_registration_at_af_resolves_the_benefit_gap() -> None:
    case = case_with(registered(REGION, 0), benefit_started("b1", 0), benefit_ended("b1", 90))
    assert Rule.BENEFIT_GAP in rules_at(case, 95)
    add(case, registered(AF, 95))
    assert Rule.BENEFIT_GAP not in rules_at(case, 95)


def test_a_person_already_registered_at_af_has_no_benefit_gap() -> None:
    case = case_with(registered(AF, 0), benefit_started("b1", 0), benefit_ended("b1", 90))
    assert Rule.BENEFIT_GAP not in rules_at(case, 120)


def test_a_following_fk_benefit_bridges_the_gap() -> None:
    case = case_with(
        registered(REGION, 0),
        benefit_started("b1", 0),
        benefit_ended("b1", 90),
        benefit_started("b2", 90, kind="aktivitetsersattning"),
    )
    assert Rule.BENEFIT_GAP not in rules_at(case, 120)


def test_an_ended_income_support_is_not_a_benefit_gap() -> None:
    case = case_with(
        registered(KOMMUN, 0),
        benefit_started("b1", 0, kind="forsorjningsstod", agency=KOMMUN),
        benefit_ended("b1", 30, kind="forsorjningsstod", agency=KOMMUN),
    )
    assert Rule.BENEFIT_GAP not in rules_at(case, 60)


# -- 4. duplicated_intervention --------------------------------------------------------


def test_the_same_intervention_type_at_two_agencies_is_reported_at_once() -> None:
    case = case_with(
        started(KOMMUN, "i1", 0, InterventionType.WORK_TRAINING),
        started(AF, "i2", 3, InterventionType.WORK_TRAINING),
    )
    case.review(day(3), POLICY)
    duplicated = [a for a in case.open_alerts if a.rule is Rule.DUPLICATED_INTERVENTION]
    assert [(a.subject, a.agencies, a.since) for a in duplicated] == [
        ("arbetstraning", (KOMMUN, AF), day(3))
    ]


def test_different_intervention_types_in_parallel_are_welcome() -> None:
    case = case_with(
        started(KOMMUN, "i1", 0, InterventionType.WORK_TRAINING),
        started(REGION, "i2", 0, InterventionType.HEALTH_TRACK),
    )
    assert Rule.DUPLICATED_INTERVENTION not in rules_at(case, 30)


def test_two_interventions_of_one_type_at_one_agency_are_not_duplicated_work() -> None:
    case = case_with(started(AF, "i1", 0), started(AF, "i2", 1))
    assert Rule.DUPLICATED_INTERVENTION not in rules_at(case, 30)


def test_ending_one_of_the_duplicates_resolves_the_alert() -> None:
    case = case_with(started(KOMMUN, "i1", 0), started(AF, "i2", 1))
    assert Rule.DUPLICATED_INTERVENTION in rules_at(case, 2)
    add(case, ended(KOMMUN, "i1", 4))
    assert Rule.DUPLICATED_INTERVENTION not in rules_at(case, 4)


# -- 5. no_lead --------------------------------------------------------------------------


def test_two_active_agencies_without_a_lead_are_reported_after_fourteen_days() -> None:
    case = case_with(registered(AF, 0), started(REGION, "i1", 2, InterventionType.HEALTH_TRACK))
    assert Rule.NO_LEAD not in rules_at(case, 15.9)
    assert (Rule.NO_LEAD, "") in alerts_at(case, 16)


def test_a_lead_agency_resolves_the_no_lead_alert() -> None:
    case = case_with(registered(AF, 0), registered(REGION, 0))
    assert Rule.NO_LEAD in rules_at(case, 20)
    add(case, lead(KOMMUN, 20))
    assert Rule.NO_LEAD not in rules_at(case, 20)


def test_one_active_agency_needs_no_lead() -> None:
    case = case_with(registered(AF, 0), started(AF, "i1", 1))
    assert Rule.NO_LEAD not in rules_at(case, 60)


# -- 6. lost_contact --------------------------------------------------------------------


def test_lost_contact_is_reported_to_every_active_agency_after_seven_days() -> None:
    case = case_with(registered(AF, 0), registered(REGION, 0), lead(AF, 0), lost(AF, 5))
    assert Rule.LOST_CONTACT not in rules_at(case, 11.9)
    case.review(day(12), POLICY)
    (alert,) = case.open_alerts
    assert (alert.rule, alert.subject, alert.agencies) == (Rule.LOST_CONTACT, "af", (AF, REGION))


def test_resumed_contact_resolves_the_lost_contact_alert() -> None:
    case = case_with(registered(AF, 0), lead(AF, 0), lost(AF, 5))
    assert Rule.LOST_CONTACT in rules_at(case, 20)
    add(case, resumed(AF, 20))
    assert Rule.LOST_CONTACT not in rules_at(case, 20)


# -- 7. ended_without_next_step ---------------------------------------------------------


def test_an_intervention_ending_with_need_for_more_support_and_nothing_after_is_reported() -> None:
    case = case_with(
        registered(AF, 0), started(KOMMUN, "i1", 0), ended(KOMMUN, "i1", 30, further=True)
    )
    assert Rule.ENDED_WITHOUT_NEXT_STEP not in rules_at(case, 39.9)
    assert (Rule.ENDED_WITHOUT_NEXT_STEP, "i1") in alerts_at(case, 40)


def test_an_intervention_ending_without_need_for_more_support_is_not_reported() -> None:
    case = case_with(registered(AF, 0), started(KOMMUN, "i1", 0), ended(KOMMUN, "i1", 30))
    assert Rule.ENDED_WITHOUT_NEXT_STEP not in rules_at(case, 60)


def test_a_new_intervention_is_a_next_step() -> None:
    case = case_with(
        registered(AF, 0),
        started(KOMMUN, "i1", 0),
        ended(KOMMUN, "i1", 30, further=True),
        started(AF, "i2", 35, InterventionType.MATCHING),
    )
    assert Rule.ENDED_WITHOUT_NEXT_STEP not in rules_at(case, 60)


def test_a_late_hand_off_resolves_the_missing_next_step() -> None:
    case = case_with(
        registered(AF, 0), started(KOMMUN, "i1", 0), ended(KOMMUN, "i1", 30, further=True)
    )
    assert Rule.ENDED_WITHOUT_NEXT_STEP in rules_at(case, 45)
    add(case, hand_off("h1", KOMMUN, REGION, 45))
    assert Rule.ENDED_WITHOUT_NEXT_STEP not in rules_at(case, 45)


# -- all rules --------------------------------------------------------------------------


def test_exit_resolves_every_open_alert() -> None:
    case = case_with(enrolled(0), hand_off("h1", KOMMUN, AF, 0), lost(KOMMUN, 0))
    assert rules_at(case, 30) == {Rule.HAND_OFF_UNANSWERED, Rule.LOST_CONTACT}
    add(case, exited(30))
    assert alerts_at(case, 30) == set()


def test_thresholds_come_from_the_policy() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 0))
    case.review(day(2), RulePolicy(hand_off_answer_days=2))
    assert [a.rule for a in case.open_alerts] == [Rule.HAND_OFF_UNANSWERED]


# -- what an alert says -----------------------------------------------------------------


def test_a_benefit_gap_alert_says_the_actual_gap_and_the_checkpoint_day() -> None:
    """Finding 3: 20 days after the benefit ended, not "efter 3 dagar"; and day 180."""
    end = msgspec.structs.replace(benefit_ended("b1", 10), rehab_chain_day=180)
    case = case_with(benefit_started("b1", 0), end, enrolled(30))
    case.review(day(30), POLICY)
    (alert,) = case.open_alerts
    assert "dag 180 i rehabiliteringskedjan" in alert.message
    assert "Det har gått 20 dagar sedan 2024-03-14 (gränsen är 3 dagar)." in alert.message
    assert "efter 3 dagar" not in alert.message


def test_an_unanswered_hand_off_alert_says_how_long_it_has_waited() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1))
    case.review(day(12), POLICY)
    (alert,) = case.open_alerts
    assert "Det har gått 11 dagar sedan 2024-03-05 (gränsen är 5 dagar)." in alert.message
