"""The rules' conditions kept between reviews: a rule looks again only when its part of
the state changed (regelutvärdering av det som ändrats).

Each rule names the parts of ``CaseState`` it reads. The incremental fold keeps an
unchanged part the same object from one state to the next, so a rule whose parts are all
the same objects as last time gives the same conditions and is not run again. Every
condition is kept whenever it falls due; ``review`` and ``next_deadline`` pick by time.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.case.alerts import AlertCondition
from domain.case.policy import RulePolicy
from domain.case.rules import (
    END_OF_TIME,
    RULES,
    RuleCheck,
    benefit_gap,
    duplicated_intervention,
    ended_without_next_step,
    hand_off_unanswered,
    lost_contact,
    no_lead,
    no_one_holds_case,
)
from domain.case.state import CaseState

__all__ = ["READS", "Conditions"]

Reads = Callable[[CaseState], tuple[object, ...]]

READS: dict[RuleCheck, Reads] = {
    hand_off_unanswered: lambda s: (s.exit, s.hand_offs),
    no_one_holds_case: lambda s: (s.exit, s.unheld_since, s.lanes, s.enrolled_by),
    benefit_gap: lambda s: (s.exit, s.lanes, s.benefits),
    duplicated_intervention: lambda s: (s.exit, s.interventions),
    no_lead: lambda s: (s.exit, s.unled_since, s.lanes),
    lost_contact: lambda s: (s.exit, s.lanes),
    ended_without_next_step: lambda s: (s.exit, s.interventions, s.hand_offs, s.lanes),
}
"""What each rule reads of the state (tests check every rule against a full evaluation)."""


class Conditions:
    """Every condition of every rule under one policy, rerunning only what changed."""

    def __init__(self, policy: RulePolicy) -> None:
        self.policy = policy
        self._seen: dict[RuleCheck, tuple[tuple[object, ...], list[AlertCondition]]] = {}
        self._last: tuple[CaseState, list[AlertCondition]] | None = None

    def of(self, state: CaseState) -> list[AlertCondition]:
        """All conditions ``state`` leads to, whenever due, ordered by rule and subject."""
        if self._last is not None and self._last[0] is state:
            return self._last[1]
        found: list[AlertCondition] = []
        for rule in RULES:
            reads = READS[rule](state)
            seen = self._seen.get(rule)
            if seen is None or not _same(seen[0], reads):
                seen = self._seen[rule] = (reads, rule(state, END_OF_TIME, self.policy))
            found.extend(seen[1])
        found.sort(key=lambda c: (c.rule, c.subject))
        self._last = (state, found)
        return found


def _same(before: tuple[object, ...], now: tuple[object, ...]) -> bool:
    return all(a is b for a, b in zip(before, now, strict=True))
