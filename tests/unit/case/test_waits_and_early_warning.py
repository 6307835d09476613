"""Learned waits: percentiles per agency pair and the early warning before the deadline."""

from __future__ import annotations

import pytest

from domain.agencies import Agency
from domain.case import Fact, Rule, fold, upcoming
from domain.case.policy import RulePolicy
from domain.case.waits import Wait, WaitKind, early_warning, learn_norms, percentile, waits_of
from tests.unit.case.builders import (
    accepted,
    day,
    ended,
    enrolled,
    hand_off,
    registered,
    started,
)

POLICY = RulePolicy()  # hand_off_answer_days=5, p90, at least 5 samples


def test_the_percentile_is_the_nearest_rank_an_observed_value() -> None:
    values = [float(n) for n in range(1, 11)]
    assert percentile(values, 90) == 9.0
    assert percentile(values, 50) == 5.0
    assert percentile([4.0], 90) == 4.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 90)


def _answered(key: str, days: float, n: int) -> list[Wait]:
    return [
        Wait(
            kind=WaitKind.HAND_OFF, key=key, subject=f"h{i}", started_at=day(0), ended_at=day(days)
        )
        for i in range(n)
    ]


def test_a_pair_with_fewer_answered_hand_offs_than_the_minimum_has_no_norm() -> None:
    norms = learn_norms(_answered("kommun>af", 2, 4), POLICY)
    assert [(n.key, n.samples, n.days) for n in norms] == [("kommun>af", 4, None)]


def test_norms_are_learned_per_pair_from_answered_hand_offs_only() -> None:
    waits = [
        *_answered("kommun>af", 1, 9),
        *_answered("kommun>af", 3, 1),
        *_answered("fk>af", 4, 5),
        Wait(kind=WaitKind.HAND_OFF, key="kommun>af", subject="open", started_at=day(0)),
    ]
    norms = {(n.kind, n.key): n for n in learn_norms(waits, POLICY)}
    assert norms[(WaitKind.HAND_OFF, "kommun>af")].days == 1.0  # 9 of 10 within a day
    assert norms[(WaitKind.HAND_OFF, "kommun>af")].samples == 10
    assert norms[(WaitKind.HAND_OFF, "fk>af")].days == 4.0


def test_a_waiting_hand_off_warns_once_past_its_pairs_norm_and_before_the_deadline() -> None:
    norms = {(n.kind, n.key): n for n in learn_norms(_answered("kommun>af", 2, 10), POLICY)}
    waiting = Wait(kind=WaitKind.HAND_OFF, key="kommun>af", subject="h", started_at=day(10))
    warning = early_warning(waiting, norms, POLICY)
    assert warning is not None
    assert (warning.warn_at, warning.due_at) == (day(12), day(15))
    other_pair = Wait(kind=WaitKind.HAND_OFF, key="af>fk", subject="h", started_at=day(10))
    assert early_warning(other_pair, norms, POLICY) is None


def test_no_early_warning_when_the_norm_is_not_shorter_than_the_deadline() -> None:
    norms = {(n.kind, n.key): n for n in learn_norms(_answered("kommun>af", 6, 10), POLICY)}
    waiting = Wait(kind=WaitKind.HAND_OFF, key="kommun>af", subject="h", started_at=day(0))
    assert early_warning(waiting, norms, POLICY) is None


def test_the_case_holds_hand_off_waits_and_waits_for_the_next_intervention() -> None:
    state = fold(
        [
            enrolled(0),
            hand_off("h1", Agency.KOMMUN, Agency.AF, 1),
            accepted("h1", Agency.AF, 3),
            hand_off("h2", Agency.KOMMUN, Agency.FK, 4),
            started(Agency.KOMMUN, "i1", 1),
            ended(Agency.KOMMUN, "i1", 5, further=True),
            started(Agency.AF, "i2", 9),
        ]
    )
    waits = {w.subject: w for w in waits_of(state)}
    assert waits["h1"].key == "kommun>af"
    assert waits["h1"].days == 2.0
    assert waits["h2"].ended_at is None
    assert waits["i1"].kind is WaitKind.NEXT_INTERVENTION
    assert (waits["i1"].key, waits["i1"].days) == ("kommun", 4.0)


@pytest.mark.parametrize("next_step", ["none", "intervention", "hand_off", "registration"])
def test_the_wait_for_a_next_step_is_open_exactly_while_rule_7_sees_none(next_step: str) -> None:
    steps: dict[str, list[Fact]] = {
        "none": [],
        "intervention": [started(Agency.AF, "i2", 8)],
        "hand_off": [hand_off("h", Agency.KOMMUN, Agency.AF, 7)],
        "registration": [registered(Agency.AF, 6)],
    }
    state = fold(
        [
            enrolled(0),
            started(Agency.KOMMUN, "i1", 1),
            ended(Agency.KOMMUN, "i1", 5, further=True),
            *steps[next_step],
        ]
    )
    wait = next(w for w in waits_of(state) if w.subject == "i1")
    rule_7 = [c for c in upcoming(state, POLICY) if c.rule is Rule.ENDED_WITHOUT_NEXT_STEP]
    assert (wait.ended_at is None) == bool(rule_7)
