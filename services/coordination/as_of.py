"""A case as it stood at an instant: replayed up to the last event recorded by then.

"As it stood" is what the shared case knew: the events the coordination store had
recorded at or before the instant (each event's ``timestamp``), not the business dates
the facts carry, so a fact registered late is absent from the earlier view, as it was
from the case workers' screens. The case is rebuilt by eventsourcing's
``repository.get(id, version=N)``: the same fold the live case uses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.case.aggregate import Case
from domain.case.state import CaseState, Consent
from services.coordination.views import (
    COORDINATION,
    AlertView,
    TimelineEntry,
    alert_view,
    fact_entry,
)


class CaseAsOf(msgspec.Struct, kw_only=True):
    """The case at ``at``: ``version`` is the last event replayed, ``recorded_at`` its time."""

    person_ref: str
    case_id: str
    at: datetime
    version: int
    recorded_at: datetime
    lead: str | None
    consents: list[Consent]
    state: CaseState
    open_alerts: list[AlertView]
    timeline: list[TimelineEntry]


def alert_entries(events: list[Any]) -> list[TimelineEntry]:
    """Timeline entries of the alerts raised and resolved among ``events``."""
    entries = []
    for event in events:
        name = type(event).__name__
        if name == "AlertRaised":
            alert = event.alert
            entries.append(TimelineEntry(
                event_id=f"alert:{alert.alert_id}", agency=COORDINATION, kind="AlertRaised",
                effective_at=alert.raised_at, recorded_at=alert.raised_at,
                summary=alert.message, details={"regel": str(alert.rule)},
            ))
        elif name == "AlertResolved":
            at = event.resolved_at
            entries.append(TimelineEntry(
                event_id=f"resolved:{event.alert_id}", agency=COORDINATION,
                kind="AlertResolved", effective_at=at, recorded_at=at,
                summary="Signalen är åtgärdad", details={},
            ))
    return entries


def case_as_of(app: Any, person_ref: str, at: datetime) -> CaseAsOf | None:
    """The case of ``person_ref`` at ``at`` (aware), or None if it did not exist yet."""
    case_id = Case.create_id(person_ref)
    known = [event for event in app.events.get(case_id) if event.timestamp <= at]
    if not known:
        return None
    version = known[-1].originator_version
    case = app.repository.get(case_id, version=version)
    state = case.state
    timeline = [fact_entry(fact, state, None) for fact in case.facts]
    timeline.extend(alert_entries(known))
    timeline.sort(key=lambda e: (e.effective_at, e.recorded_at, e.event_id))
    return CaseAsOf(
        person_ref=person_ref, case_id=str(case_id), at=at, version=version,
        recorded_at=known[-1].timestamp, lead=str(state.lead) if state.lead else None,
        consents=list(state.consents), state=state,
        open_alerts=[alert_view(alert) for alert in case.open_alerts], timeline=timeline,
    )
