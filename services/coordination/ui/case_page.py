"""What the case page shows: four lanes over time, hand-offs, lead, consent, alerts,
and where there is room for the person (the catalogue's free places).

Built from the case aggregate (facts and folded state) and the alert read model, with
each fact's details hidden when consent does not reach the viewer (views.fact_entry).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar.exceptions import NotFoundException

from adapters.crypto import FieldSealer
from domain.agencies import Agency
from domain.case.aggregate import Case
from domain.case.facts import HandOffRequested
from domain.case.scopes import SCOPE_DESCRIPTIONS, revealed_by
from domain.case.state import CaseState, Consent, HandOff, HandOffStatus
from domain.case.visibility import sees_details_of
from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import OfferingView
from services.coordination.early_warning import get_early_warnings
from services.coordination.instants import parse_instant
from services.coordination.queries import get_alerts_of_case
from services.coordination.reading import CaseReader
from services.coordination.ui import labels
from services.coordination.ui.room import offering_label, room_for
from services.coordination.ui.viewer import Viewer
from services.coordination.views import (
    DetailsOpener,
    TimelineEntry,
    answer_reasons,
    fact_entry,
    mask_sealed,
    state_for,
)
from services.runtime.clock import Clock

PERSON_REF = re.compile(r"^p[a-z2-7]{26}$")
LANES = tuple(Agency)
MAX_ROWS = 400
"""The newest rows shown; the JSON timeline API pages through the rest."""


class LaneView(msgspec.Struct, frozen=True, kw_only=True):
    agency: str
    involved: bool
    status: str
    status_label: str
    since: datetime | None
    lead: bool
    running: list[str]
    viewer_sees_details: bool


class HandOffView(msgspec.Struct, frozen=True, kw_only=True):
    hand_off_id: str
    from_agency: str
    to_agency: str
    status: str
    status_label: str
    requested_at: datetime
    answered_at: datetime | None
    waited: str
    pending: bool
    reason: str = ""
    """Why it was rejected, shown to the agencies that asked and answered."""
    offering: str | None = None
    """The offering the hand-off proposes: its name and free places, as the catalogue
    holds it."""


class AlertItem(msgspec.Struct, frozen=True, kw_only=True):
    alert_id: str
    rule: str
    label: str
    message: str
    action: str
    agencies: list[str]
    since: datetime
    raised_at: datetime
    resolved_at: datetime | None


class EarlyWarningItem(msgspec.Struct, frozen=True, kw_only=True):
    """A softer signal (tidig signal): a wait past its learned norm, before the alert."""

    kind: str
    subject: str
    message: str
    agencies: list[str]
    warn_at: datetime
    due_at: datetime


class Cell(msgspec.Struct, frozen=True, kw_only=True):
    """One lane at one row: the entry reported there, and whether something runs."""

    agency: str
    entry: TimelineEntry | None
    running: bool


class Row(msgspec.Struct, frozen=True, kw_only=True):
    """A moment on the timeline: either lane cells, a hand-off spanning lanes, or an
    alert spanning all of them."""

    row_id: str
    at: datetime
    cells: list[Cell]
    hand_off: HandOffView | None = None
    span_from: int = 0
    span_to: int = 0
    entry: TimelineEntry | None = None
    alert: AlertItem | None = None
    alert_resolved: bool = False


class CasePage(msgspec.Struct, frozen=True, kw_only=True):
    person_ref: str
    version: int
    state: CaseState
    lanes: list[LaneView]
    rows: list[Row]
    older_rows: int
    hand_offs: list[HandOffView]
    open_alerts: list[AlertItem]
    resolved_alerts: list[AlertItem]
    early_warnings: list[EarlyWarningItem]
    consents: list[dict[str, Any]]
    hidden_count: int
    now: datetime
    room: list[OfferingView] = msgspec.field(default_factory=list)
    """Offerings with free places today that fit the person (målgrupp)."""


def _lane_views(state: CaseState, viewer: Viewer) -> list[LaneView]:
    views = []
    for agency in LANES:
        lane = state.lane(agency)
        running = [
            f"{item.intervention_type or 'insats'} sedan {labels.day(item.started_at)}"
            for item in state.interventions
            if item.agency is agency and item.running
        ] + [
            f"{item.benefit_kind} sedan {labels.day(item.started_at)}"
            for item in state.benefits
            if item.agency is agency and item.running
        ]
        sees = viewer.agency is None or sees_details_of(viewer.agency, agency, state)
        # The lane's status is what the gap rules reckon with (an enrolment opens the
        # kommun's lane), so the page never says an agency holds a person a rule says
        # nobody holds.
        views.append(LaneView(
            agency=str(agency), involved=lane is not None,
            status=str(lane.status) if lane else "none",
            status_label=labels.LANE_STATUS[lane.status] if lane else "Inte involverad",
            since=lane.since if lane else None,
            lead=state.lead is agency, running=running, viewer_sees_details=sees,
        ))
    return views


def _consent_view(consent: Consent, viewer: Viewer) -> dict[str, Any]:
    """A consent as the panel says it: what it covers and what it shows the viewer."""
    covers = viewer.agency is None or viewer.agency in consent.to_agencies
    reveals = (
        [str(a) for a in revealed_by(consent.consent_scope, viewer.agency)]
        if viewer.agency is not None and covers else []
    )
    return {
        "scope": consent.consent_scope, "to": [str(a) for a in consent.to_agencies],
        "given_at": consent.given_at, "covers_viewer": covers, "reveals": reveals,
        "covers_text": SCOPE_DESCRIPTIONS.get(
            consent.consent_scope, f"uppgifter med omfattningen {consent.consent_scope}"),
    }


def _hand_off_view(
    hand_off: HandOff, now: datetime, reason: str = "", offering: str | None = None
) -> HandOffView:
    end = hand_off.answered_at if hand_off.answered_at is not None else now
    return HandOffView(
        hand_off_id=hand_off.hand_off_id, from_agency=str(hand_off.from_agency),
        to_agency=str(hand_off.to_agency), status=str(hand_off.status),
        status_label=labels.HAND_OFF_STATUS[hand_off.status],
        requested_at=hand_off.requested_at, answered_at=hand_off.answered_at,
        waited=labels.duration(max(end - hand_off.requested_at, timedelta(0))),
        pending=hand_off.status is HandOffStatus.REQUESTED, reason=reason, offering=offering,
    )


def _alerts(app: CoordinationApplication, case: Case) -> list[AlertItem]:
    rows = get_alerts_of_case(app, str(case.id))
    return [
        AlertItem(
            alert_id=row["alert_id"], rule=row["rule"], label=labels.rule_label(row["rule"]),
            message=row["message"], action=labels.rule_action(row["rule"]),
            agencies=[a for a in (row["agencies"] or "").split(",") if a],
            since=parse_instant(row["since"]), raised_at=parse_instant(row["raised_at"]),
            resolved_at=parse_instant(row["resolved_at"]) if row["resolved_at"] else None,
        )
        for row in rows
    ]


def _early_warnings(
    app: CoordinationApplication, case: Case, now: datetime
) -> list[EarlyWarningItem]:
    return [
        EarlyWarningItem(
            kind=row["kind"], subject=row["subject"], message=labels.early_warning_text(row),
            agencies=[a for a in (row["agencies"] or "").split(",") if a],
            warn_at=parse_instant(row["warn_at"]), due_at=parse_instant(row["due_at"]),
        )
        for row in get_early_warnings(app, now, case_ids=[str(case.id)])
    ]


def _running_at(state: CaseState, agency: Agency, at: datetime) -> bool:
    spans = [(i.started_at, i.ended_at) for i in state.interventions if i.agency is agency]
    spans += [(b.started_at, b.ended_at) for b in state.benefits if b.agency is agency]
    return any(start is not None and start <= at and (end is None or at < end)
               for start, end in spans)


def _fact_rows(
    case: Case, viewer: Viewer, hand_offs: dict[str, HandOffView], opener: DetailsOpener
) -> list[Row]:
    state = case.state
    rows = []
    for fact in case.facts:
        entry = fact_entry(fact, state, viewer.agency, opener)
        cells = [
            Cell(agency=str(agency), entry=entry if fact.agency is agency else None,
                 running=_running_at(state, agency, fact.effective_at))
            for agency in LANES
        ]
        row = Row(row_id=f"h-{fact.event_id}", at=fact.effective_at, cells=cells, entry=entry)
        if isinstance(fact, HandOffRequested) and fact.hand_off_id in hand_offs:
            ends = sorted((LANES.index(fact.agency), LANES.index(fact.to_agency)))
            row = msgspec.structs.replace(
                row, hand_off=hand_offs[fact.hand_off_id], span_from=ends[0] + 1,
                span_to=ends[1] + 1,
            )
        rows.append(row)
    return rows


def _alert_rows(alerts: list[AlertItem]) -> list[Row]:
    rows = []
    for alert in alerts:
        rows.append(Row(row_id=f"a-{alert.alert_id}", at=alert.raised_at, cells=[],
                        alert=alert))
        if alert.resolved_at is not None:
            rows.append(Row(row_id=f"r-{alert.alert_id}", at=alert.resolved_at, cells=[],
                            alert=alert, alert_resolved=True))
    return rows


def case_page(
    app: CoordinationApplication, case: Case, viewer: Viewer, now: datetime,
    opener: DetailsOpener = mask_sealed,
) -> CasePage:
    state = case.state
    # What the agencies do is under each one's secrecy: the viewer's share of the state.
    seen = state if viewer.agency is None else state_for(viewer.agency, state)
    reasons = answer_reasons(case, viewer.agency, opener)
    hand_offs = {
        h.hand_off_id: _hand_off_view(
            h, now, reasons.get(h.hand_off_id, ""),
            offering_label(app, str(h.to_agency), h.offering_id) if h.offering_id else None)
        for h in state.hand_offs
    }
    alerts = _alerts(app, case)
    rows = sorted(_fact_rows(case, viewer, hand_offs, opener) + _alert_rows(alerts),
                  key=lambda r: (r.at, r.row_id))
    older = max(0, len(rows) - MAX_ROWS)
    consents = [_consent_view(c, viewer) for c in state.consents]
    return CasePage(
        person_ref=case.person_ref, version=case.version, state=seen,
        lanes=_lane_views(seen, viewer), rows=rows[older:], older_rows=older,
        hand_offs=list(hand_offs.values()),
        open_alerts=[a for a in alerts if a.resolved_at is None],
        resolved_alerts=[a for a in alerts if a.resolved_at is not None],
        early_warnings=_early_warnings(app, case, now),
        consents=consents,
        hidden_count=sum(1 for r in rows if r.entry is not None and r.entry.hidden),
        now=now, room=room_for(app, state.target_groups, now.date()),
    )


class CasePages:
    """Loads a case and builds its page for a viewer, opening sealed details."""

    def __init__(
        self, app: CoordinationApplication, clock: Clock, sealer: FieldSealer | None
    ) -> None:
        self.app = app
        self.clock = clock
        self.sealer = sealer
        self.reader = CaseReader(app)

    def load(self, person_ref: str) -> Case:
        case = self.reader.find(person_ref) if PERSON_REF.match(person_ref) else None
        if case is None:
            raise NotFoundException("Det finns inget ärende för den personen.")
        return case

    def build(self, person_ref: str, viewer: Viewer) -> CasePage:
        case = self.load(person_ref)
        sealer = self.sealer
        if sealer is None:
            return case_page(self.app, case, viewer, self.clock())

        def opener(details: dict[str, str]) -> dict[str, str]:
            return sealer.open_all(case.person_ref, details)

        return case_page(self.app, case, viewer, self.clock(), opener)
