"""What-if replay: the same history, other thresholds, other alerts."""

from __future__ import annotations

from domain.agencies import Agency
from domain.case.alerts import Rule
from domain.case.policy import RulePolicy
from domain.case.what_if import compare
from tests.unit.case.builders import accepted, day, enrolled, hand_off, registered

CURRENT = RulePolicy()  # hand_off_answer_days = 5


def _history(answer_after: float) -> list:  # type: ignore[type-arg]
    return [
        enrolled(0),
        registered(Agency.KOMMUN, 0),
        hand_off("h", Agency.KOMMUN, Agency.AF, 1),
        accepted("h", Agency.AF, 1 + answer_after),
        registered(Agency.AF, 1 + answer_after),
    ]


def _hand_offs(histories: list, proposed: RulePolicy):  # type: ignore[no-untyped-def,type-arg]
    report = compare(histories, CURRENT, proposed, until=day(60))
    return next(r for r in report.rules if r.rule is Rule.HAND_OFF_UNANSWERED)


def test_a_shorter_answer_time_raises_alerts_for_hand_offs_answered_in_between() -> None:
    histories = [_history(4), _history(4), _history(1), _history(7)]
    row = _hand_offs(histories, CURRENT.with_thresholds({"hand_off_answer_days": 3}))
    assert (row.current_alerts, row.proposed_alerts) == (1, 3)
    assert row.days_earlier == 2.0  # the 7-day wait: alerted on day 3 instead of day 5
    # Two persons waited 4 days: past the proposal's 3, and no alert under the current 5.
    assert (row.current_unalerted, row.proposed_unalerted) == (2, 0)


def test_the_same_thresholds_give_the_same_counts() -> None:
    row = _hand_offs([_history(4), _history(7)], CURRENT)
    assert row.current_alerts == row.proposed_alerts == 1
    assert row.days_earlier == 0.0


def test_a_longer_answer_time_raises_later_and_fewer() -> None:
    row = _hand_offs(
        [_history(6), _history(9)], CURRENT.with_thresholds({"hand_off_answer_days": 8})
    )
    assert (row.current_alerts, row.proposed_alerts) == (2, 1)
    assert row.days_earlier == -3.0
    assert row.proposed_unalerted == 1
