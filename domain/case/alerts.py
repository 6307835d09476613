"""Alerts (signaler): what a gap rule reports about a case.

A rule yields an ``AlertCondition`` (what is wrong, since when, due when); the case turns
a due condition into an ``Alert`` with a deterministic id and keeps it open until the
condition ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.agencies import Agency

__all__ = ["Alert", "AlertCondition", "Rule", "elapsed"]


class Rule(StrEnum):
    """The seven gap rules ("mellan stolarna"); the value is stored in alerts."""

    HAND_OFF_UNANSWERED = "hand_off_unanswered"
    NO_ONE_HOLDS_CASE = "no_one_holds_case"
    BENEFIT_GAP = "benefit_gap"
    DUPLICATED_INTERVENTION = "duplicated_intervention"
    NO_LEAD = "no_lead"
    LOST_CONTACT = "lost_contact"
    ENDED_WITHOUT_NEXT_STEP = "ended_without_next_step"


class AlertCondition(msgspec.Struct, frozen=True, kw_only=True):
    """A gap a rule has found.

    ``subject`` tells occurrences of one rule apart (a hand-off id, an agency, an
    intervention type; "" when the rule concerns the whole case). ``since`` is the
    business time the gap began; ``due_at`` when it becomes an alert.
    """

    rule: Rule
    subject: str
    agencies: tuple[Agency, ...]
    since: datetime
    due_at: datetime
    message: str

    def message_at(self, now: datetime) -> str:
        """What the alert raised at ``now`` says: the gap, then how long it has lasted."""
        return f"{self.message} {elapsed(self.since, self.due_at, now)}"


def elapsed(since: datetime, due_at: datetime, now: datetime) -> str:
    """How long a gap has lasted at ``now``, and the rule's limit (regelns gräns).

    The actual gap, not the threshold: a fact reported 20 days late says 20 days.
    """
    days = _whole_days(now - since)
    limit = _whole_days(due_at - since)
    lasted = f"Det har gått {days} {_days_word(days)} sedan {since:%Y-%m-%d}"
    if limit == 0:
        return f"{lasted}."
    return f"{lasted} (gränsen är {limit} {_days_word(limit)})."


def _whole_days(span: timedelta) -> int:
    return max(0, span // timedelta(days=1))


def _days_word(count: int) -> str:
    return "dag" if count == 1 else "dagar"


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    """An alert raised on a case; open until the case resolves it."""

    alert_id: UUID
    case_id: UUID
    rule: Rule
    subject: str
    agencies: tuple[Agency, ...]
    since: datetime
    due_at: datetime
    message: str
    raised_at: datetime
