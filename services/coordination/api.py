"""The coordination API: the shared case, its timeline, the caseload and alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import structlog
from litestar import Request, Response, Router, get
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.params import FromPath, FromQuery, QueryParameter

from adapters.auth.principal import Principal, Role
from adapters.crypto.fields import FieldSealer
from domain.agencies import Agency
from domain.case.aggregate import Case
from services.coordination.application import CoordinationApplication
from services.coordination.instants import parse_instant
from services.coordination.queries import get_alerts, get_alerts_of_case, get_cases
from services.coordination.reading import CaseReader
from services.coordination.views import (
    COORDINATION,
    AlertView,
    CaseSummary,
    CaseView,
    DetailsOpener,
    TimelineEntry,
    TimelinePage,
    alert_row_view,
    case_view,
    fact_entry,
    mask_sealed,
)

log = structlog.get_logger(__name__)

MAX_PAGE = 500
# Bounded so every offset the document allows fits the stores' 64-bit integers.
MAX_OFFSET = 1_000_000_000
AnyRequest = Request[Any, Any, Any]


def viewer_of(principal: Principal | None) -> Agency | None:
    """Whose eyes the case is shown to: the principal's agency, or None for all details.

    Auditors read everything (read-only); so does an integration of the förbund itself
    (role ``system`` without an agency). An agency's own system reads as its agency.
    """
    if principal is None:
        # Only reachable if the router is mounted without the auth guard: show nothing.
        raise NotAuthorizedException("a bearer token is required")
    if principal.role is Role.PERSON:
        # A person reads only their own view (/me); never a case worker's lists or cases,
        # where no agency would otherwise mean every detail (defence beside the table).
        raise PermissionDeniedException("a person reads their own view at /me")
    if principal.role is Role.AUDITOR or principal.agency is None:
        return None
    return Agency(principal.agency)


def own_agency_only(request: AnyRequest, asked: str | None) -> str | None:
    """Lists across cases show an agency's worker only the cases it is involved in."""
    viewer = viewer_of(request.scope.get("user"))
    return asked if viewer is None else str(viewer)


def _log_read(request: AnyRequest, person_ref: FromPath[str], what: str) -> None:
    """Every read of a case is logged: who, when (the log's time) and which case."""
    principal: Principal | None = request.scope.get("user")
    log.info("case_read", what=what, person_ref=person_ref,
             subject=principal.subject if principal else None,
             agency=principal.agency if principal else None,
             role=str(principal.role) if principal else None)


AfterQuery = Annotated[str | None, QueryParameter(
    query="after", description="an event id (a command's `position`): wait until the case "
    "holds it (read your writes); 503 problem+json saying how stale if not within 5 s")]


APPLIED_HEADER = "Samlad-Applied-At"


def applied_header(app: CoordinationApplication) -> dict[str, str]:
    """How fresh a read is: when each partition's consumer last committed (any replica).

    A partition whose replica is down stops moving here, so a reader sees how stale the
    shared store may be for it: ``Samlad-Applied-At: p0=2026-…Z, p1=…``.
    """
    applied = app.applied_by_partition()
    value = ", ".join(f"{name.rsplit(':', 1)[-1]}={at}" for name, at in sorted(applied.items()))
    return {APPLIED_HEADER: value} if value else {}


def _case(reader: CaseReader, person_ref: FromPath[str], after: str | None = None) -> Case:
    case = reader.find(person_ref) if after is None else reader.find_after(person_ref, after)
    if case is None:
        raise NotFoundException(f"no case for person {person_ref}")
    return case


def details_opener(sealer: FieldSealer | None, person_ref: str) -> DetailsOpener:
    """Opens a person's sealed details with their key; without a sealer, masks them."""
    if sealer is None:
        return mask_sealed

    def opener(details: dict[str, str]) -> dict[str, str]:
        return sealer.open_all(person_ref, details)

    return opener


def timeline(
    app: CoordinationApplication, case: Case, viewer: Agency | None,
    sealer: FieldSealer | None = None,
) -> list[TimelineEntry]:
    """Facts in business-time order, with the alerts raised and resolved on the case.

    Another agency's details show only under consent (``fact_entry``); sealed personal
    values are opened with the person's key, or read "[raderad]" once it is forgotten.
    """
    state = case.state
    opener = details_opener(sealer, case.person_ref)
    entries = [fact_entry(fact, state, viewer, opener) for fact in case.facts]
    # The alerts come from their read model (one indexed query), not from replaying
    # every event of the case.
    for row in get_alerts_of_case(app, str(case.id)):
        raised = parse_instant(row["raised_at"])
        entries.append(TimelineEntry(
            event_id=f"alert:{row['alert_id']}", agency=COORDINATION, kind="AlertRaised",
            effective_at=raised, recorded_at=raised, summary=row["message"],
            details={"regel": row["rule"]},
        ))
        if row["resolved_at"]:
            resolved = parse_instant(row["resolved_at"])
            entries.append(TimelineEntry(
                event_id=f"resolved:{row['alert_id']}", agency=COORDINATION,
                kind="AlertResolved", effective_at=resolved, recorded_at=resolved,
                summary="Signalen är åtgärdad", details={},
            ))
    entries.sort(key=lambda e: (e.effective_at, e.recorded_at, e.event_id))
    return entries


def coordination_router(
    app: CoordinationApplication, sealer: FieldSealer | None = None
) -> Router:
    """``sealer`` opens personal fields; without it they read "[krypterad]"."""
    reader = CaseReader(app)

    @get("/cases/{person_ref:str}", sync_to_thread=True, tags=["cases"],
         summary="The shared case of one person")
    def get_case(
        request: AnyRequest, person_ref: FromPath[str], after: AfterQuery = None,
    ) -> Response[CaseView]:
        _log_read(request, person_ref, "case")
        case = _case(reader, person_ref, after)
        alerts = [row for row in get_alerts_of_case(app, str(case.id)) if not row["resolved_at"]]
        view = case_view(case, viewer_of(request.scope.get("user")), alerts,
                         details_opener(sealer, case.person_ref))
        return Response(view, headers=applied_header(app))

    @get("/cases/{person_ref:str}/timeline", sync_to_thread=True, tags=["cases"],
         summary="The case's unified timeline, paged, filtered by agency and time")
    def get_timeline(
        request: AnyRequest,
        person_ref: FromPath[str],
        agency: FromQuery[str | None] = None,
        time_from: Annotated[datetime | None, QueryParameter(query="from")] = None,
        time_to: Annotated[datetime | None, QueryParameter(query="to")] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
        after: AfterQuery = None,
    ) -> Response[TimelinePage]:
        _log_read(request, person_ref, "timeline")
        viewer = viewer_of(request.scope.get("user"))
        entries = timeline(app, _case(reader, person_ref, after), viewer, sealer)
        if agency:
            entries = [e for e in entries if e.agency == agency]
        if time_from:
            entries = [e for e in entries if e.effective_at >= time_from]
        if time_to:
            entries = [e for e in entries if e.effective_at < time_to]
        page = entries[offset : offset + limit]
        more = offset + limit < len(entries)
        return Response(TimelinePage(
            person_ref=person_ref, total=len(entries), offset=offset, limit=limit,
            items=page, next_offset=offset + limit if more else None,
        ), headers=applied_header(app))

    @get("/cases", sync_to_thread=True, tags=["cases"], summary="The caseload, alerts first")
    def list_cases(
        request: AnyRequest,
        kommun: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
        with_alerts: FromQuery[bool] = False,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> list[CaseSummary]:
        rows = get_cases(app, concerning=own_agency_only(request, agency), kommun=kommun,
                         with_alerts=with_alerts, offset=offset, limit=limit)
        return [_summary(row) for row in rows]

    @get("/alerts", sync_to_thread=True, tags=["alerts"],
         summary="Alerts, filtered by agency, kommun, rule and age")
    def list_alerts(
        request: AnyRequest,
        agency: FromQuery[str | None] = None,
        kommun: FromQuery[str | None] = None,
        rule: FromQuery[str | None] = None,
        raised_before: FromQuery[datetime | None] = None,
        include_resolved: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> list[AlertView]:
        rows = get_alerts(app, concerning=own_agency_only(request, agency), kommun=kommun,
                          rule=rule, raised_before=raised_before,
                          include_resolved=include_resolved, limit=limit)
        return [alert_row_view(row) for row in rows]

    return Router(path="/", route_handlers=[get_case, get_timeline, list_cases, list_alerts])


def _agencies(text: str | None) -> list[str]:
    return [a for a in (text or "").split(",") if a]


def _summary(row: dict[str, Any]) -> CaseSummary:
    return CaseSummary(
        person_ref=row["person_ref"], kommun=row["kommun"],
        agencies=_agencies(row["agencies"]), active_agencies=_agencies(row["active_agencies"]),
        lead=row["lead"], open_alerts=row["open_alerts"], facts=row["facts"],
        exited=row["exited"], last_effective_at=row["last_effective_at"],
    )


