"""The rule policy: documented thresholds, and its versions folded by time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.case.policy import THRESHOLDS, InvalidPolicyError, RulePolicy
from domain.case.policy_log import PolicyLog, in_force
from domain.errors import InvalidTimeError

JAN = datetime(2026, 1, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)


def test_every_numeric_threshold_of_the_policy_is_documented_in_both_languages() -> None:
    numeric = {
        name
        for name in RulePolicy.__struct_fields__
        if isinstance(getattr(RulePolicy(), name), int)
    }
    assert {t.name for t in THRESHOLDS} == numeric
    assert all(t.meaning_sv and t.meaning_en and t.unit for t in THRESHOLDS)


def test_a_change_names_known_thresholds_within_their_range() -> None:
    assert RulePolicy().with_thresholds({"hand_off_answer_days": 3}).hand_off_answer_days == 3
    with pytest.raises(InvalidPolicyError, match="unknown threshold"):
        RulePolicy().with_thresholds({"hand_off_days": 3})
    with pytest.raises(InvalidPolicyError, match="between"):
        RulePolicy().with_thresholds({"hand_off_answer_days": 0})


def test_before_any_change_the_defaults_are_in_force_as_version_zero() -> None:
    log = PolicyLog()
    assert log.current.version == 0
    assert log.current.policy == RulePolicy()


def test_the_policy_in_force_is_the_last_change_at_or_before_the_instant() -> None:
    log = PolicyLog()
    log.change(
        {"hand_off_answer_days": 3}, changed_at=JAN, changed_by="styrelsen", reason="snabbare svar"
    )
    log.change({"benefit_gap_days": 1}, changed_at=MAR, changed_by="styrelsen", reason="")

    assert log.in_force(datetime(2025, 12, 31, tzinfo=UTC)).version == 0
    assert log.in_force(JAN).policy.hand_off_answer_days == 3
    february = log.in_force(datetime(2026, 2, 1, tzinfo=UTC))
    assert (february.version, february.policy.benefit_gap_days) == (1, 3)
    # A change keeps what earlier changes set.
    assert log.current.policy.thresholds()["hand_off_answer_days"] == 3
    assert log.current.policy.benefit_gap_days == 1


def test_the_history_replays_from_its_events_to_the_same_versions() -> None:
    log = PolicyLog()
    log.change({"unheld_days": 20}, changed_at=JAN, changed_by="styrelsen", reason="x")
    events = log.collect_events()
    copy = None
    for stored in events:
        copy = stored.mutate(copy)
    assert isinstance(copy, PolicyLog)
    assert copy.versions == log.versions


def test_a_change_cannot_precede_the_version_in_force() -> None:
    log = PolicyLog()
    log.change({"unheld_days": 20}, changed_at=MAR, changed_by="styrelsen", reason="")
    with pytest.raises(InvalidTimeError):
        log.change({"unheld_days": 21}, changed_at=JAN, changed_by="styrelsen", reason="")


def test_in_force_refuses_a_naive_instant() -> None:
    with pytest.raises(InvalidTimeError):
        in_force((), datetime(2026, 1, 1))
