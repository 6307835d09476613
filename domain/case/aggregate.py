"""The shared case (ärende) of one person: its facts, and the alerts they give rise to.

Declarative eventsourcing aggregate. Recording a fact and raising or resolving an alert
are the only changes; the state is derived from the facts (domain/case/fold.py) and the
alerts from the state (domain/case/rules.py). The clock is passed in to ``review``;
applying an event never reads it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.case.alerts import Alert, Rule
from domain.case.facts import Fact
from domain.case.fold import fact_order, fold
from domain.case.identity import alert_id_for, case_id_for
from domain.case.policy import RulePolicy
from domain.case.rules import evaluate, upcoming
from domain.case.state import CaseState
from domain.errors import InvalidFactError, InvalidTimeError

__all__ = ["Case"]


class Case(Aggregate):
    """One person's case, shared by the agencies; its id is derived from ``person_ref``."""

    @staticmethod
    def create_id(person_ref: str, **_: Any) -> UUID:
        """``uuid5(SAMLAD_NS, person_ref)``: every service finds the same case."""
        return case_id_for(person_ref)

    @event("Opened")
    def __init__(self, person_ref: str) -> None:
        self.person_ref = person_ref
        self._facts: dict[str, Fact] = {}
        self._alerts: dict[UUID, Alert] = {}
        self._state: CaseState | None = None

    # -- facts ------------------------------------------------------------------------

    def record(self, fact: Fact) -> bool:
        """Record a fact unless its event id is known; False for a duplicate."""
        if fact.event_id in self._facts:
            return False
        for instant in (fact.effective_at, fact.recorded_at):
            if instant.utcoffset() is None:
                raise InvalidFactError(f"fact {fact.event_id} carries a naive datetime")
        self._fact_recorded(fact)
        return True

    @event("FactRecorded")
    def _fact_recorded(self, fact: Fact) -> None:
        self._facts[fact.event_id] = fact
        self._state = None  # the derived state no longer holds

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The recorded facts in business-time order (the timeline)."""
        return tuple(sorted(self._facts.values(), key=fact_order))

    @property
    def state(self) -> CaseState:
        """The case's state, folded from its facts (cached until the next fact)."""
        if self._state is None:
            self._state = fold(self._facts.values())
        return self._state

    # -- alerts -----------------------------------------------------------------------

    def review(self, now: datetime, policy: RulePolicy) -> None:
        """Raise the alerts due at ``now`` and resolve those whose condition ended."""
        if now.utcoffset() is None:
            raise InvalidTimeError("review needs an aware datetime")
        due = {}
        for condition in evaluate(self.state, now, policy):
            alert_id = alert_id_for(self.id, condition.rule, condition.subject)
            due[alert_id] = condition
        for alert_id in sorted(set(self._alerts) - set(due)):
            rule = self._alerts[alert_id].rule
            self._alert_resolved(alert_id=alert_id, rule=rule, resolved_at=now)
        for alert_id, condition in due.items():
            if alert_id in self._alerts:
                continue
            self._alert_raised(
                Alert(
                    alert_id=alert_id,
                    case_id=self.id,
                    rule=condition.rule,
                    subject=condition.subject,
                    agencies=condition.agencies,
                    since=condition.since,
                    due_at=condition.due_at,
                    message=condition.message,
                    raised_at=now,
                )
            )

    @event("AlertRaised")
    def _alert_raised(self, alert: Alert) -> None:
        self._alerts[alert.alert_id] = alert

    @event("AlertResolved")
    def _alert_resolved(self, alert_id: UUID, rule: Rule, resolved_at: datetime) -> None:
        del rule, resolved_at  # carried for the timeline, read models and subscribers
        self._alerts.pop(alert_id, None)

    @property
    def open_alerts(self) -> tuple[Alert, ...]:
        """Open alerts, earliest due first."""
        return tuple(sorted(self._alerts.values(), key=lambda a: (a.due_at, str(a.alert_id))))

    def next_deadline(self, policy: RulePolicy) -> datetime | None:
        """The earliest instant at which ``review`` could raise a new alert.

        Open alerts end only through new facts, so only conditions not yet raised count.
        In the past when a back-dated fact made something due: review at once.
        """
        pending = [
            condition.due_at
            for condition in upcoming(self.state, policy)
            if alert_id_for(self.id, condition.rule, condition.subject) not in self._alerts
        ]
        return min(pending, default=None)
