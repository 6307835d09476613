"""Thresholds of the gap rules (regelverkets tidsgränser), in days.

A frozen struct, read once from settings and passed to every evaluation, so the rules
never consult global configuration.
"""

from __future__ import annotations

from datetime import timedelta

import msgspec

__all__ = ["RulePolicy"]


class RulePolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How long each gap may last before it becomes an alert.

    Defaults follow what the projects report as tolerable: a hand-off should be answered
    within a working week; income must not stop for more than a few days.
    """

    hand_off_answer_days: int = 5
    """Rule 1: a hand-off (överlämning) unanswered this long is reported."""

    unheld_days: int = 14
    """Rule 2: nobody holds the case (ingen håller i ärendet) this long."""

    benefit_gap_days: int = 3
    """Rule 3: an FK benefit ended and no AF inskrivning within this many days."""

    lead_grace_days: int = 14
    """Rule 5: several agencies involved and nobody has samordningsansvar this long."""

    lost_contact_days: int = 7
    """Rule 6: an agency has lost contact with the person this long."""

    next_step_days: int = 10
    """Rule 7: an intervention ended needing further support, no next step this long."""

    gap_benefit_kinds: tuple[str, ...] = ("sjukpenning", "aktivitetsersattning")
    """Rule 3: FK benefits whose end must be followed by registration at AF."""

    def days(self, count: int) -> timedelta:
        """A threshold as a duration; kept here so every rule counts whole days alike."""
        return timedelta(days=count)
