"""What the coordination API answers: cases, timeline entries, alerts (msgspec structs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from adapters.crypto.fields import is_sealed
from domain.agencies import Agency
from domain.case.aggregate import Case
from domain.case.alerts import Alert
from domain.case.facts import Fact, HandOffRejected
from domain.case.state import CaseState
from domain.case.visibility import sees_details_of, visible_to
from services.coordination.instants import parse_instant

COORDINATION = "samordning"
SEALED = "[krypterad]"

DetailsOpener = Callable[[dict[str, str]], dict[str, str]]


def mask_sealed(details: dict[str, str]) -> dict[str, str]:
    """Without the key store at hand, say that a value is sealed rather than show it."""
    return {name: SEALED if is_sealed(value) else value for name, value in details.items()}


class AlertView(msgspec.Struct, kw_only=True):
    alert_id: str
    rule: str
    agencies: list[str]
    since: datetime
    due_at: datetime
    raised_at: datetime
    message: str
    person_ref: str | None = None
    kommun: str | None = None
    resolved_at: datetime | None = None


class CaseView(msgspec.Struct, kw_only=True):
    """The shared case as one viewer may see it."""

    person_ref: str
    case_id: str
    version: int
    state: CaseState
    open_alerts: list[AlertView]
    facts: int


class TimelineEntry(msgspec.Struct, kw_only=True):
    """One step on the timeline; ``details`` is None where consent does not reach."""

    event_id: str
    agency: str
    kind: str
    effective_at: datetime
    recorded_at: datetime
    summary: str
    details: dict[str, str] | None
    hidden: bool = False


class TimelinePage(msgspec.Struct, kw_only=True):
    person_ref: str
    total: int
    offset: int
    limit: int
    items: list[TimelineEntry]
    next_offset: int | None = None


class CaseSummary(msgspec.Struct, kw_only=True):
    person_ref: str
    kommun: str | None
    agencies: list[str]
    active_agencies: list[str]
    lead: str | None
    open_alerts: int
    facts: int
    exited: str | None
    last_effective_at: str | None


def alert_view(alert: Alert, resolved_at: datetime | None = None) -> AlertView:
    return AlertView(
        alert_id=str(alert.alert_id), rule=str(alert.rule),
        agencies=[str(a) for a in alert.agencies], since=alert.since, due_at=alert.due_at,
        raised_at=alert.raised_at, message=alert.message, resolved_at=resolved_at,
    )


def alert_row_view(row: dict[str, Any]) -> AlertView:
    """An alert as the alert read model holds it (queries.get_alerts*): every list of
    alerts, the case's own included, answers from these rows alike."""
    return AlertView(
        alert_id=row["alert_id"], rule=row["rule"],
        agencies=[a for a in (row["agencies"] or "").split(",") if a],
        since=parse_instant(row["since"]), due_at=parse_instant(row["due_at"]),
        raised_at=parse_instant(row["raised_at"]), message=row["message"],
        person_ref=row["person_ref"], kommun=row["kommun"],
        resolved_at=parse_instant(row["resolved_at"]) if row["resolved_at"] else None,
    )


def answer_reasons(
    case: Case, viewer: Agency | None, open_details: DetailsOpener = mask_sealed
) -> dict[str, str]:
    """Per hand-off id, why it was rejected, where ``viewer`` may read it: the answer
    belongs to the agency that asked as well as the one that answered."""
    state = case.state
    reasons = {}
    for fact in case.facts:
        if not isinstance(fact, HandOffRejected):
            continue
        if viewer is not None and not visible_to(viewer, fact, state):
            continue
        reason = open_details(dict(fact.details)).get("orsak")
        if reason:
            reasons[fact.hand_off_id] = reason
    return reasons


def with_answer_reasons(state: CaseState, reasons: dict[str, str]) -> CaseState:
    """The state with each rejected hand-off's own reason where the viewer may read it."""
    if not reasons:
        return state
    hand_offs = tuple(
        msgspec.structs.replace(h, reason=reasons[h.hand_off_id])
        if h.hand_off_id in reasons else h
        for h in state.hand_offs
    )
    return msgspec.structs.replace(state, hand_offs=hand_offs)


def case_view(
    case: Case, viewer: Agency | None = None, open_alerts: list[dict[str, Any]] | None = None,
    open_details: DetailsOpener = mask_sealed,
) -> CaseView:
    """``viewer`` None (auditors, system) sees everything; an agency what it may.

    ``open_alerts``: the case's open rows of the alert read model; without them (a
    replay as of a time, with no read model) the aggregate's own alerts are shown.
    """
    state = case.state if viewer is None else state_for(viewer, case.state)
    state = with_answer_reasons(state, answer_reasons(case, viewer, open_details))
    alerts = (
        [alert_view(a) for a in case.open_alerts] if open_alerts is None
        else [alert_row_view(row) for row in sorted(
            open_alerts, key=lambda r: (r["due_at"], r["alert_id"]))]
    )
    return CaseView(
        person_ref=case.person_ref, case_id=str(case.id), version=case.version,
        state=state, open_alerts=alerts, facts=len(case.facts),
    )


def state_for(viewer: Agency, state: CaseState) -> CaseState:
    """The state without another agency's interventions and benefits, unless consented.

    Which agencies are involved, since when and in what status (the lanes), hand-offs,
    lead, consents and exit are shared ground; what an agency does for the person is
    under that agency's secrecy (its consent scope, as the translation assigns it).
    """

    return msgspec.structs.replace(
        state,
        interventions=tuple(
            i for i in state.interventions if sees_details_of(viewer, i.agency, state)
        ),
        benefits=tuple(b for b in state.benefits if sees_details_of(viewer, b.agency, state)),
    )


def fact_entry(
    fact: Fact, state: CaseState, viewer: Agency | None,
    open_details: DetailsOpener = mask_sealed,
) -> TimelineEntry:
    """``viewer`` None is the system role that sees everything (auditors, tests).

    ``open_details`` opens the personal values sealed with the person's key
    (adapters/crypto); it runs only on details the viewer may see.
    """
    shown = viewer is None or visible_to(viewer, fact, state) or not fact.details
    return TimelineEntry(
        event_id=fact.event_id, agency=str(fact.agency), kind=type(fact).__name__,
        effective_at=fact.effective_at, recorded_at=fact.recorded_at, summary=fact.summary,
        details=open_details(dict(fact.details)) if shown else None, hidden=not shown,
    )
