"""The shared case (ärende) of one person: its facts, and the alerts they give rise to.

Declarative eventsourcing aggregate. Recording a fact and raising or resolving an alert
are the only changes; the state is derived from the facts (domain/case/incremental.py)
and the alerts from the state (domain/case/rules.py). The clock is passed in to
``review``; applying an event never reads it.

The fold and the rules' conditions are derived and kept between facts: a new fact folds
in what it touches, and only the rules whose part of the state changed look again. A
case rebuilt from its events folds once, when its state is first asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.case.alerts import Alert, AlertCondition, Rule
from domain.case.conditions import Conditions
from domain.case.facts import Fact
from domain.case.identity import alert_id_for, case_id_for
from domain.case.incremental import CaseFold
from domain.case.policy import RulePolicy
from domain.case.snapshot import CaseSnapshot
from domain.case.state import CaseState
from domain.errors import InvalidFactError, InvalidTimeError

__all__ = ["Case"]


class Case(Aggregate):
    """One person's case, shared by the agencies; its id is derived from ``person_ref``."""

    Snapshot = CaseSnapshot

    @staticmethod
    def create_id(person_ref: str, **_: Any) -> UUID:
        """``uuid5(SAMLAD_NS, person_ref)``: every service finds the same case."""
        return case_id_for(person_ref)

    @event("Opened")
    def __init__(self, person_ref: str) -> None:
        self.person_ref = person_ref
        self._facts: dict[str, Fact] = {}
        self._alerts: dict[UUID, Alert] = {}
        self._fold: CaseFold | None = None
        self._conditions: Conditions | None = None

    def restore(self, facts: Iterable[Fact], alerts: Iterable[Alert]) -> None:
        """What a snapshot kept (``snapshot.py``), put back: no event, nothing derived."""
        self._facts = {fact.event_id: fact for fact in facts}
        self._alerts = {alert.alert_id: alert for alert in alerts}
        self._fold = None
        self._conditions = None

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
        if self._fold is not None:
            self._fold.add(fact)

    def recorded_facts(self) -> tuple[Fact, ...]:
        """The facts in the order they were recorded (what a snapshot keeps)."""
        return tuple(self._facts.values())

    def _folded(self) -> CaseFold:
        if self._fold is None:
            self._fold = CaseFold.of(self._facts.values())
        return self._fold

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The recorded facts in business-time order (the timeline)."""
        return tuple(self._folded().facts)

    @property
    def fact_count(self) -> int:
        """How many facts the case holds."""
        return len(self._facts)

    @property
    def last_fact(self) -> Fact | None:
        """The latest fact in business time."""
        facts = self._folded().facts
        return facts[-1] if facts else None

    @property
    def state(self) -> CaseState:
        """The case's state, folded from its facts."""
        return self._folded().state

    def _conditions_for(self, policy: RulePolicy) -> list[AlertCondition]:
        """Every condition the facts lead to, whenever due; unchanged rules are not rerun."""
        if self._conditions is None or self._conditions.policy != policy:
            self._conditions = Conditions(policy)
        return self._conditions.of(self.state)

    # -- alerts -----------------------------------------------------------------------

    def review(self, now: datetime, policy: RulePolicy) -> None:
        """Raise the alerts due at ``now`` and resolve those whose condition ended."""
        if now.utcoffset() is None:
            raise InvalidTimeError("review needs an aware datetime")
        due = {}
        for condition in self._conditions_for(policy):
            if condition.due_at > now:
                continue
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
                    message=condition.message_at(now),
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
            for condition in self._conditions_for(policy)
            if alert_id_for(self.id, condition.rule, condition.subject) not in self._alerts
        ]
        return min(pending, default=None)
