"""The auditor's read-only API on the coordination service, and its access-log hook.

``audit_router`` serves the follow-up indicators, the access log and any case as of an
instant, to the ``auditor`` role only (a guard on top of the app-wide policy, which lets
every role read the shared case). ``access_log_hook`` is the app's ``after_response``
hook: after every read of a case page (API or UI) has been answered, it queues an
access-log entry, so the read never waits for the log.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.types import AfterResponseHookHandler

from services.coordination.access_log import (
    AccessLogger,
    AccessView,
    query_access_log,
    reader_of,
)
from services.coordination.api import MAX_OFFSET
from services.coordination.as_of import CaseAsOf, case_as_of
from services.coordination.indicators import Indicators, get_indicators

AUDITOR = "auditor"
MAX_ACCESS_PAGE = 5000
# The reads of one person's case: GET /cases/{ref}[/timeline|/as-of], GET /ui/cases/{ref}.
CASE_READ = re.compile(r"^/(ui/)?cases/(p[a-z2-7]{26})(/timeline|/as-of)?/?$")
# The person reading their own view: GET /me, GET /ui/me (the token names the person).
OWN_READ = re.compile(r"^/(ui/)?me/?$")
OWN_PURPOSE = "egen insyn"


def auditor_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException("a bearer token is required")
    if str(getattr(principal, "role", "")) != AUDITOR:
        raise PermissionDeniedException("only auditors may read this")


def _aware(at: datetime) -> datetime:
    if at.utcoffset() is None:
        raise ValidationException("the instant must carry a time zone, e.g. 2025-03-01T12:00Z",
                                  extra=[{"message": "no offset", "key": "at",
                                          "source": "query"}])
    return at


def audit_router(app: Any) -> Router:
    """The auditor's routes on ``app`` (a CoordinationApplication)."""

    @get("/audit/indicators", sync_to_thread=True, tags=["audit"],
         summary="Follow-up indicators (SUS-like), split by gender, kommun, age, group")
    def indicators() -> Indicators:
        return get_indicators(app.process_recorder)

    @get("/audit/access-log", sync_to_thread=True, tags=["audit"],
         summary="Who read which case, when and why")
    def access_log(
        person_ref: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
        time_from: Annotated[datetime | None, QueryParameter(query="from")] = None,
        time_to: Annotated[datetime | None, QueryParameter(query="to")] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_ACCESS_PAGE)] = 1000,
    ) -> list[AccessView]:
        return query_access_log(
            app.process_recorder, person_ref=person_ref, agency=agency,
            time_from=time_from, time_to=time_to, limit=limit, offset=offset,
        )

    @get("/cases/{person_ref:str}/as-of", sync_to_thread=True, tags=["audit"],
         summary="The case (timeline, alerts, lead, consent) as it stood at an instant")
    def as_of(person_ref: FromPath[str], at: FromQuery[datetime]) -> CaseAsOf:
        view = case_as_of(app, person_ref, _aware(at))
        if view is None:
            raise NotFoundException(f"no case for person {person_ref} at {at.isoformat()}")
        return view

    return Router(path="/", route_handlers=[indicators, access_log, as_of],
                  guards=[auditor_only])


def access_log_hook(logger: AccessLogger) -> AfterResponseHookHandler:
    """Queue an access-log entry after each answered GET of a case (API or UI page)."""

    async def after_response(request: Request[Any, Any, Any]) -> None:
        if request.scope.get("method") != "GET":
            return
        own = OWN_READ.match(request.scope["path"])
        person_ref = getattr(request.scope.get("user"), "person_ref", None)
        if own is not None and person_ref:
            subject, role, _ = reader_of(request)
            logger.record(person_ref=person_ref, subject=subject, role=role, agency=None,
                          purpose=OWN_PURPOSE, resource=("ui" if own.group(1) else "api")
                          + ":me")
            return
        match = CASE_READ.match(request.scope["path"])
        if match is None:
            return
        ui, person_ref, what = match.groups()
        resource = ("ui" if ui else "api") + ":" + ((what or "/case").lstrip("/"))
        logger.record_request(request, person_ref, resource)

    return after_response
