"""Alerts leave the coordination store through its outbox, like any agency's events.

Each alert goes to the agencies it names, and only to them (issue 11, hole 2): the
subject's sixth token lists its recipients (``contracts.subjects.subject_of``), and each
agency's permissions and ``alerts-<agency>`` consumer cover only tokens naming it. A
resolution goes to those its alert was raised to, read from the alert read model (the
domain's ``AlertResolved`` carries only the alert id).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from contracts.base import AGENCIES, Agency, IntegrationEvent
from contracts.coordination import AlertRaised, AlertResolved
from contracts.registry import EventSpec


class ReadModels(Protocol):
    def query(self, statement: str, params: Any = ()) -> list[dict[str, Any]]: ...


_CONTRACT_AGENCIES: dict[str, Agency] = {agency: agency for agency in AGENCIES}


def _contract_agencies(agencies: Iterable[object]) -> list[Agency]:
    """The domain's agencies (``StrEnum``) as the contract's literals, in their order."""
    return [_CONTRACT_AGENCIES[str(agency)] for agency in agencies]


class UnknownAlert(LookupError):
    """A resolution of an alert the read model never held: its recipients are unknown."""


class AlertData:
    """The outbox's ``build``: contract alert events from the case's alert events."""

    def __init__(self, read_models: ReadModels) -> None:
        self._read_models = read_models

    def __call__(self, spec: EventSpec, event: Any, person_ref: str | None) -> IntegrationEvent:
        struct = spec.struct
        if person_ref is None:  # pragma: no cover - alerts are person-bound contracts
            raise TypeError(f"{spec.type} is about a person, but none was resolved")
        if spec.name == "alert-raised":
            if not issubclass(struct, AlertRaised):
                raise TypeError(f"{spec.name} is not an AlertRaised struct: {struct!r}")
            alert = event.alert
            return struct(
                person_ref=person_ref, effective_at=alert.raised_at,
                recorded_at=alert.raised_at, alert_id=str(alert.alert_id),
                rule=str(alert.rule), agencies=_contract_agencies(alert.agencies),
                since=alert.since, due_at=alert.due_at, message=alert.message,
            )
        if not issubclass(struct, AlertResolved):
            raise TypeError(f"{spec.name} is not an AlertResolved struct: {struct!r}")
        return struct(
            person_ref=person_ref, effective_at=event.resolved_at,
            recorded_at=event.resolved_at, alert_id=str(event.alert_id), rule=str(event.rule),
            resolved_at=event.resolved_at, agencies=self._recipients(str(event.alert_id)),
        )

    def _recipients(self, alert_id: str) -> list[Agency]:
        rows = self._read_models.query(
            "SELECT agencies FROM {alert_index} WHERE alert_id = ?", [alert_id]
        )
        if not rows:
            raise UnknownAlert(f"alert {alert_id} is not in the alert read model")
        named = set((rows[0]["agencies"] or "").split(","))
        return [agency for agency in AGENCIES if agency in named]  # the contract's order
