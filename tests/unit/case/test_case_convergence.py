"""Property: the same set of facts gives the same case, whatever order and duplication.

Architecture invariant 5. Histories are generated from small pools of ids and coarse
dates so that answers precede requests, ends precede starts and dates tie.

The oracle is the fold as it was before it became incremental (reference_fold.py): the
kept fold, fed one fact at a time in arrival order, must give its state after every
fact, with a journal too short, just long enough and long (so a late fact takes the
full fold, the undo path, or both).
"""

from __future__ import annotations

from datetime import timedelta

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.agencies import Agency, Gender, InterventionType, Outcome
from domain.case import (
    BenefitEnded,
    BenefitStarted,
    Case,
    ConsentGiven,
    ConsentWithdrawn,
    ContactLost,
    ContactResumed,
    Deregistered,
    Exited,
    Fact,
    HandOffAccepted,
    HandOffRejected,
    HandOffRequested,
    InterventionEnded,
    InterventionStarted,
    LeadAssumed,
    LeadReleased,
    Noted,
    PersonEnrolled,
    Registered,
    RulePolicy,
    fold,
    upcoming,
)
from domain.case.conditions import Conditions
from domain.case.incremental import CaseFold

from .builders import T0, day
from .reference_fold import reference_fold

POLICY = RulePolicy()
NOW = day(50)

agencies = st.sampled_from(list(Agency))
days = st.integers(min_value=0, max_value=40).map(lambda n: T0 + timedelta(days=n))
ids = st.sampled_from(["x", "y", "z"])
benefit_kinds = st.sampled_from(["sjukpenning", "aktivitetsersattning", "forsorjningsstod"])

common = {
    "event_id": st.just(""),
    "agency": agencies,
    "effective_at": days,
    "recorded_at": days,
    "summary": st.just("s"),
}

facts_of_any_kind: st.SearchStrategy[Fact] = st.one_of(
    st.builds(
        PersonEnrolled,
        kommun=st.just("Falun"),
        gender=st.sampled_from(list(Gender)),
        birth_year=st.just(1990),
        **common,
    ),
    st.builds(Registered, **common),
    st.builds(Deregistered, **common),
    st.builds(
        InterventionStarted,
        intervention_id=ids,
        intervention_type=st.sampled_from(list(InterventionType)[:2]),
        **common,
    ),
    st.builds(
        InterventionEnded, intervention_id=ids, further_support_needed=st.booleans(), **common
    ),
    st.builds(BenefitStarted, benefit_id=ids, benefit_kind=benefit_kinds, **common),
    st.builds(BenefitEnded, benefit_id=ids, benefit_kind=benefit_kinds, **common),
    st.builds(HandOffRequested, hand_off_id=ids, to_agency=agencies, **common),
    st.builds(HandOffAccepted, hand_off_id=ids, **common),
    st.builds(HandOffRejected, hand_off_id=ids, reason=st.just("nej"), **common),
    st.builds(
        ConsentGiven,
        consent_id=ids,
        consent_scope=st.sampled_from(["halsa", "alla"]),
        to_agencies=st.tuples(agencies),
        **common,
    ),
    st.builds(ConsentWithdrawn, consent_id=ids, **common),
    st.builds(ContactLost, **common),
    st.builds(ContactResumed, **common),
    st.builds(LeadAssumed, **common),
    st.builds(LeadReleased, **common),
    st.builds(Exited, outcome=st.sampled_from(list(Outcome)), **common),
    st.builds(Noted, topic=st.just("sip"), **common),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Fact], list[Fact]]:
    """A history with unique event ids, and a shuffled copy with some facts repeated."""
    drawn = draw(st.lists(facts_of_any_kind, min_size=1, max_size=25))
    history = [msgspec.structs.replace(f, event_id=f"e{n}") for n, f in enumerate(drawn)]
    repeats = draw(st.lists(st.sampled_from(history), max_size=5))
    arrival = draw(st.permutations(history + repeats))
    return history, list(arrival)


def case_from(facts: list[Fact]) -> Case:
    case = Case(person_ref="pproperty")
    for fact in facts:
        case.record(fact)
    return case


@settings(max_examples=300, deadline=None)
@given(histories(), st.sampled_from([0, 2, 256]))
def test_facts_folded_one_at_a_time_in_any_order_give_the_full_folds_state(
    pair: tuple[list[Fact], list[Fact]], journal_facts: int
) -> None:
    _, arrival = pair
    kept = CaseFold(journal_facts=journal_facts, small_case=0)
    seen: dict[str, Fact] = {}
    for fact in arrival:
        if fact.event_id in seen:
            continue  # the case drops a duplicate before it reaches the fold
        seen[fact.event_id] = fact
        kept.add(fact)
        assert kept.state == reference_fold(seen.values())


@settings(max_examples=300, deadline=None)
@given(histories())
def test_any_arrival_order_and_duplication_gives_the_same_state(
    pair: tuple[list[Fact], list[Fact]],
) -> None:
    history, arrival = pair
    assert fold(arrival) == reference_fold(history)
    assert case_from(arrival).state == reference_fold(history)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_rules_rerun_only_on_change_give_every_condition_a_full_evaluation_gives(
    pair: tuple[list[Fact], list[Fact]],
) -> None:
    _, arrival = pair
    kept, conditions = CaseFold(), Conditions(POLICY)
    seen: set[str] = set()
    for fact in arrival:
        if fact.event_id not in seen:
            seen.add(fact.event_id)
            kept.add(fact)
        assert conditions.of(kept.state) == upcoming(kept.state, POLICY)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_any_arrival_order_and_duplication_gives_the_same_alerts_and_deadline(
    pair: tuple[list[Fact], list[Fact]],
) -> None:
    history, arrival = pair
    in_order, shuffled = case_from(history), case_from(arrival)
    in_order.review(NOW, POLICY)
    shuffled.review(NOW, POLICY)
    assert shuffled.open_alerts == in_order.open_alerts
    assert shuffled.next_deadline(POLICY) == in_order.next_deadline(POLICY)


@settings(max_examples=200, deadline=None)
@given(histories(), st.lists(st.integers(min_value=0, max_value=50), max_size=4))
def test_reviewing_along_the_way_ends_with_the_same_alerts(
    pair: tuple[list[Fact], list[Fact]], review_days: list[int]
) -> None:
    history, arrival = pair
    in_order = case_from(history)
    in_order.review(NOW, POLICY)
    shuffled = Case(person_ref="pproperty")
    for n, fact in enumerate(arrival):
        shuffled.record(fact)
        if n < len(review_days):
            shuffled.review(day(review_days[n]), POLICY)
    shuffled.review(NOW, POLICY)
    assert {a.alert_id for a in shuffled.open_alerts} == {a.alert_id for a in in_order.open_alerts}


@settings(max_examples=200, deadline=None)
@given(histories())
def test_review_at_the_next_deadline_changes_the_alerts_and_not_before(
    pair: tuple[list[Fact], list[Fact]],
) -> None:
    case = case_from(pair[0])
    case.review(T0 - timedelta(days=1), POLICY)
    deadline = case.next_deadline(POLICY)
    before = case.open_alerts
    if deadline is None:
        case.review(day(10_000), POLICY)
        assert case.open_alerts == before
        return
    case.review(deadline - timedelta(seconds=1), POLICY)
    assert case.open_alerts == before
    case.review(deadline, POLICY)
    assert case.open_alerts != before
