"""The Case aggregate records facts once, raises and resolves alerts, and knows its deadline."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid5

import msgspec
import pytest

from domain.agencies import Agency
from domain.case import SAMLAD_NS, Alert, Case, Rule, RulePolicy, alert_id_for
from domain.errors import InvalidFactError, InvalidTimeError

from .builders import (
    accepted,
    case_with,
    day,
    deregistered,
    ended,
    enrolled,
    exited,
    hand_off,
    lead,
    registered,
    started,
)

POLICY = RulePolicy()
AF, FK, KOMMUN = Agency.AF, Agency.FK, Agency.KOMMUN


def event_names(case: Case) -> list[str]:
    return [type(event).__name__ for event in case.collect_events()]


def test_the_case_id_is_derived_from_the_person_reference() -> None:
    assert Case(person_ref="pabc").id == uuid5(SAMLAD_NS, "pabc")
    assert Case.create_id("pabc") == Case(person_ref="pabc").id


def test_a_new_fact_is_recorded_as_an_event() -> None:
    case = Case(person_ref="p1")
    assert case.record(registered(AF, 0))
    assert event_names(case) == ["Opened", "FactRecorded"]


def test_a_duplicate_fact_changes_nothing() -> None:
    fact = registered(AF, 0)
    case = case_with(fact)
    case.collect_events()
    assert case.record(fact) is False
    assert case.collect_events() == []
    assert case.facts == (fact,)


def test_facts_are_listed_in_business_time_order() -> None:
    late, early = registered(AF, 5), enrolled(0)
    assert case_with(late, early).facts == (early, late)


def test_a_fact_with_a_naive_datetime_is_refused() -> None:
    naive = msgspec.structs.replace(registered(AF, 0), effective_at=datetime(2024, 1, 1))
    with pytest.raises(InvalidFactError):
        Case(person_ref="p1").record(naive)


def test_review_needs_an_aware_clock() -> None:
    with pytest.raises(InvalidTimeError):
        Case(person_ref="p1").review(datetime(2024, 1, 1), POLICY)


def test_the_state_follows_each_recorded_fact() -> None:
    case = case_with(registered(AF, 0))
    assert case.state.holding_agencies() == (AF,)
    case.record(deregistered(AF, 1))
    assert case.state.holding_agencies() == ()


def test_review_raises_an_alert_with_a_deterministic_id() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 0))
    case.review(day(6), POLICY)
    (alert,) = case.open_alerts
    assert alert.alert_id == alert_id_for(case.id, Rule.HAND_OFF_UNANSWERED, "h1")
    assert alert.case_id == case.id


def test_reviewing_twice_raises_nothing_new() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 0))
    case.review(day(6), POLICY)
    case.collect_events()
    case.review(day(7), POLICY)
    assert case.collect_events() == []


def test_resolving_an_alert_is_an_event_carrying_the_review_time() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 0))
    case.review(day(6), POLICY)
    case.record(accepted("h1", AF, 7))
    case.collect_events()
    case.review(day(8), POLICY)
    (resolved,) = case.collect_events()
    assert type(resolved).__name__ == "AlertResolved"
    assert resolved.resolved_at == day(8)  # type: ignore[attr-defined]
    assert case.open_alerts == ()


def test_replaying_the_events_rebuilds_the_same_case() -> None:
    case = case_with(enrolled(0), registered(FK, 0), hand_off("h1", FK, AF, 1))
    case.review(day(30), POLICY)
    copy = None
    for event in case.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, Case)
    assert (copy.facts, copy.state, copy.open_alerts) == (
        case.facts,
        case.state,
        case.open_alerts,
    )


def test_an_alert_survives_a_msgspec_round_trip() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 0))
    case.review(day(6), POLICY)
    (alert,) = case.open_alerts
    assert msgspec.json.decode(msgspec.json.encode(alert), type=Alert) == alert


# -- next_deadline ------------------------------------------------------------------------


def test_the_next_deadline_is_the_earliest_coming_due_time() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1), hand_off("h2", FK, KOMMUN, 3))
    assert case.next_deadline(POLICY) == day(6)


def test_after_review_the_next_deadline_moves_to_the_next_condition() -> None:
    case = case_with(registered(FK, 0), hand_off("h1", FK, AF, 1), hand_off("h2", FK, KOMMUN, 3))
    case.review(day(6), POLICY)
    assert case.next_deadline(POLICY) == day(8)
    case.review(day(8), POLICY)
    assert case.next_deadline(POLICY) is None


def test_a_quiet_case_has_no_deadline() -> None:
    case = case_with(enrolled(0), registered(AF, 0), started(AF, "i1", 1), lead(KOMMUN, 1))
    assert case.next_deadline(POLICY) is None


def test_an_exited_case_has_no_deadline() -> None:
    assert case_with(enrolled(0), exited(1)).next_deadline(POLICY) is None


def test_a_back_dated_fact_makes_the_deadline_overdue() -> None:
    case = case_with(registered(FK, 0))
    case.review(day(20), POLICY)
    case.record(hand_off("h1", FK, AF, 2))
    assert case.next_deadline(POLICY) == day(7)


def test_a_hand_off_that_changes_no_lane_still_ends_the_next_step_alert() -> None:
    case = case_with(
        registered(AF, 0), registered(KOMMUN, 0),
        started(AF, "i1", 0), ended(AF, "i1", 1, further=True),
    )  # fmt: skip
    assert case.next_deadline(POLICY) == day(11)  # the rules have looked once
    case.record(hand_off("h1", AF, KOMMUN, 3))  # KOMMUN already holds: lanes stay the same
    case.review(day(30), POLICY)
    assert Rule.ENDED_WITHOUT_NEXT_STEP not in {alert.rule for alert in case.open_alerts}


def test_a_snapshot_keeps_the_facts_and_open_alerts_and_nothing_derived() -> None:
    case = case_with(enrolled(0), registered(FK, 0), hand_off("h1", FK, AF, 1))
    case.review(day(30), POLICY)
    case.collect_events()
    snapshot = Case.Snapshot.take(case)
    stored = msgspec.json.decode(msgspec.json.encode(snapshot.state))  # plain data only
    copy = type(snapshot)(
        originator_id=snapshot.originator_id, originator_version=snapshot.originator_version,
        timestamp=snapshot.timestamp, topic=snapshot.topic, state=stored,
    )  # fmt: skip
    restored = copy.mutate(None)
    assert isinstance(restored, Case)
    assert (restored.id, restored.version) == (case.id, case.version)
    assert (restored.facts, restored.state, restored.open_alerts) == (
        case.facts, case.state, case.open_alerts,
    )  # fmt: skip
    assert (restored.created_on, restored.modified_on) == (case.created_on, case.modified_on)
    assert (restored.person_ref, restored.pending_events) == (case.person_ref, [])
