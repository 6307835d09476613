"""Waits and the early warning (tidig signal): how long a wait usually lasts, learned from
history, and a softer signal when one runs longer than that before its fixed deadline.

Two kinds of wait, each keyed so that like is compared with like:
- a hand-off (överlämning) waiting for its answer, keyed by ``from>to`` agency;
- an intervention that ended needing further support, waiting for the next step (as
  rule 7 counts it: another intervention, a hand-off or a registration, at any agency),
  keyed by the agency whose insats ended.

``learn_norms`` takes the finished waits and gives, per key, the policy's percentile
(90th by default) of their length in days, once at least ``early_warning_min_samples``
have finished; with fewer, the key has no norm and so no early warning. All pure: the
coordination's deadline reviewer feeds it the stored waits and keeps the result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from domain.case.policy import RulePolicy
from domain.case.state import CaseState

__all__ = [
    "EarlyWarning",
    "Norm",
    "Wait",
    "WaitKind",
    "early_warning",
    "learn_norms",
    "percentile",
    "waits_of",
]

SECONDS_PER_DAY = 86_400


class WaitKind(StrEnum):
    HAND_OFF = "hand_off"
    NEXT_INTERVENTION = "next_intervention"


class Wait(msgspec.Struct, frozen=True, kw_only=True):
    """One wait of a case; ``ended_at`` None while it lasts."""

    kind: WaitKind
    key: str
    subject: str
    started_at: datetime
    ended_at: datetime | None = None

    @property
    def days(self) -> float | None:
        """Its length in days, once finished."""
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / SECONDS_PER_DAY


class Norm(msgspec.Struct, frozen=True, kw_only=True):
    """What a kind of wait usually takes: ``days`` is the ``percentile`` of ``samples``
    finished waits, None while there are fewer than the policy's minimum."""

    kind: WaitKind
    key: str
    samples: int
    percentile: int
    days: float | None


class EarlyWarning(msgspec.Struct, frozen=True, kw_only=True):
    """A wait that has passed its norm (``warn_at``) before the rule's deadline
    (``due_at``); shown while ``warn_at <= now < due_at``."""

    kind: WaitKind
    key: str
    subject: str
    started_at: datetime
    warn_at: datetime
    due_at: datetime
    norm_days: float
    samples: int
    percentile: int


def hand_off_key(from_agency: str, to_agency: str) -> str:
    return f"{from_agency}>{to_agency}"


def waits_of(state: CaseState) -> tuple[Wait, ...]:
    """Every wait the case holds, finished or not, in a stable order."""
    waits = [
        Wait(
            kind=WaitKind.HAND_OFF,
            key=hand_off_key(hand_off.from_agency, hand_off.to_agency),
            subject=hand_off.hand_off_id,
            started_at=hand_off.requested_at,
            ended_at=hand_off.answered_at,
        )
        for hand_off in state.hand_offs
    ]
    # What ends the wait is what rule 7 counts as a next step: another intervention
    # starting, a hand-off, or a registration, at or after the end; so the early warning
    # and the alert never disagree about whether the person still waits.
    steps = sorted(
        [(i.started_at, i.intervention_id) for i in state.interventions if i.started_at is not None]
        + [(h.requested_at, "") for h in state.hand_offs]
        + [(period.start, "") for lane in state.lanes for period in lane.registrations]
    )
    for ended in state.interventions:
        if ended.ended_at is None or not ended.further_support_needed:
            continue
        following = (
            at for at, other in steps if other != ended.intervention_id and at >= ended.ended_at
        )
        waits.append(
            Wait(
                kind=WaitKind.NEXT_INTERVENTION,
                key=str(ended.agency),
                subject=ended.intervention_id,
                started_at=ended.ended_at,
                ended_at=next(following, None),
            )
        )
    return tuple(waits)


def percentile(values: Sequence[float], q: int) -> float:
    """The ``q``-th percentile by nearest rank: the smallest value with at least ``q`` %
    of the values at or below it (no interpolation, so it is always an observed wait)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def learn_norms(waits: Iterable[Wait], policy: RulePolicy) -> tuple[Norm, ...]:
    """Per kind and key, the policy's percentile of the finished waits' lengths."""
    lengths: dict[tuple[WaitKind, str], list[float]] = {}
    for wait in waits:
        days = wait.days
        if days is not None:
            lengths.setdefault((wait.kind, wait.key), []).append(days)
    q, minimum = policy.early_warning_percentile, policy.early_warning_min_samples
    return tuple(
        Norm(
            kind=kind,
            key=key,
            samples=len(values),
            percentile=q,
            days=percentile(values, q) if len(values) >= minimum else None,
        )
        for (kind, key), values in sorted(lengths.items())
    )


def deadline_days(kind: WaitKind, policy: RulePolicy) -> int:
    """The fixed deadline of the rule that watches this kind of wait."""
    if kind is WaitKind.HAND_OFF:
        return policy.hand_off_answer_days
    return policy.next_step_days


def early_warning(
    wait: Wait, norms: Mapping[tuple[WaitKind, str], Norm], policy: RulePolicy
) -> EarlyWarning | None:
    """The early warning a wait would give, whenever due: None when it has finished, its
    key has no norm yet, or the norm is not shorter than the rule's own deadline."""
    norm = norms.get((wait.kind, wait.key))
    if wait.ended_at is not None or norm is None or norm.days is None:
        return None
    warn_at = wait.started_at + timedelta(days=norm.days)
    due_at = wait.started_at + policy.days(deadline_days(wait.kind, policy))
    if warn_at >= due_at:
        return None
    return EarlyWarning(
        kind=wait.kind,
        key=wait.key,
        subject=wait.subject,
        started_at=wait.started_at,
        warn_at=warn_at,
        due_at=due_at,
        norm_days=norm.days,
        samples=norm.samples,
        percentile=norm.percentile,
    )
