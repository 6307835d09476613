"""Facts the case can never take (motsägelser): refused on arrival, with a reason.

A benefit or an intervention cannot end before it began. An agency's own service
refuses such a command (422); a message on the bus that says so is dead-lettered with
this reason by the coordination consumer, before it reaches the case: the case's writer
checks it as it records the fact, on the case it already holds (no extra read). Should
both halves arrive together, the fold still flags the pair as an anomaly and no rule
reckons from it.
"""

from __future__ import annotations

from datetime import datetime

from domain.case.facts import (
    BenefitEnded,
    BenefitStarted,
    Fact,
    InterventionEnded,
    InterventionStarted,
)
from domain.case.state import CaseState
from domain.errors import DomainError

__all__ = ["PAIRED", "ContradictingFact", "contradiction"]

PAIRED = (BenefitStarted, BenefitEnded, InterventionStarted, InterventionEnded)
"""The facts that are one half of a span: only these can contradict the case."""


class ContradictingFact(DomainError):
    """A fact the case can never take (a span ending before it began); never retried."""


def contradiction(state: CaseState | None, fact: Fact) -> str | None:
    """Why ``fact`` contradicts what ``state`` already holds, or None if it does not."""
    recorded = _recorded(state, fact) if state is not None else None
    if recorded is None:
        return None
    what, began, ended = recorded
    at = fact.effective_at
    if isinstance(fact, BenefitEnded | InterventionEnded) and began is not None and at < began:
        return f"{what} ends at {at:%Y-%m-%d}, before it began ({began:%Y-%m-%d})"
    if isinstance(fact, BenefitStarted | InterventionStarted) and ended is not None and ended < at:
        return f"{what} begins at {at:%Y-%m-%d}, after it ended ({ended:%Y-%m-%d})"
    return None


Span = tuple[str, datetime | None, datetime | None]


def _recorded(state: CaseState, fact: Fact) -> Span | None:
    """What the case holds of the benefit or intervention ``fact`` is half of."""
    if isinstance(fact, BenefitStarted | BenefitEnded):
        for benefit in state.benefits:
            if benefit.benefit_id == fact.benefit_id:
                return f"benefit {fact.benefit_id}", benefit.started_at, benefit.ended_at
    elif isinstance(fact, InterventionStarted | InterventionEnded):
        for item in state.interventions:
            if item.intervention_id == fact.intervention_id:
                return f"intervention {fact.intervention_id}", item.started_at, item.ended_at
    return None
