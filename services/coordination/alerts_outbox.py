"""Alerts leave the coordination store through its outbox, like any agency's events."""

from __future__ import annotations

from typing import Any

from contracts.base import IntegrationEvent
from contracts.registry import EventSpec


def alert_data(spec: EventSpec, event: Any, person_ref: str) -> IntegrationEvent:
    """The contract alert event from the case's ``AlertRaised`` / ``AlertResolved``."""
    if spec.name == "alert-raised":
        alert = event.alert
        return spec.struct(
            person_ref=person_ref, effective_at=alert.raised_at, recorded_at=alert.raised_at,
            alert_id=str(alert.alert_id), rule=str(alert.rule),
            agencies=[str(a) for a in alert.agencies], since=alert.since,
            due_at=alert.due_at, message=alert.message,
        )
    return spec.struct(
        person_ref=person_ref, effective_at=event.resolved_at, recorded_at=event.resolved_at,
        alert_id=str(event.alert_id), rule=str(event.rule), resolved_at=event.resolved_at,
    )
