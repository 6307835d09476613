"""Server-sent event streams: the caseload and a case, re-rendered after each commit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Router, get
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from services.coordination.application import CoordinationApplication
from services.coordination.live import Broadcaster
from services.coordination.ui import labels
from services.coordination.ui.case_page import CasePage, CasePages
from services.coordination.ui.caseload import CaseloadFilter, caseload, caseload_marker
from services.coordination.ui.own_records import OwnRecords
from services.coordination.ui.viewer import Viewer, Viewers

AnyRequest = Request[Any, Any, Any]


def _require(viewers: Viewers, request: AnyRequest) -> Viewer:
    viewer = viewers.of(request)
    if viewer is None:
        raise NotAuthorizedException("logga in först")
    if not viewer.reads_cases:
        raise PermissionDeniedException("styrelsen läser inga ärenden")
    return viewer


def _render(request: AnyRequest, name: str, context: dict[str, Any]) -> str:
    engine = request.app.template_engine
    if engine is None:
        raise RuntimeError("the UI needs the coordination template config")
    return str(engine.get_template(name).render(**context))


def stream_router(
    app: CoordinationApplication, viewers: Viewers, broadcaster: Broadcaster, pages: CasePages,
    own: OwnRecords,
) -> Router:
    @get("/ui/live", include_in_schema=False)
    async def caseload_live(
        request: AnyRequest,
        kommun: FromQuery[str | None] = None,
        rule: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> ServerSentEvent:
        viewer = _require(viewers, request)
        where = CaseloadFilter(kommun=kommun or "", rule=rule or "", agency=agency or "",
                               offset=offset)

        token = viewers.token_of(request)

        async def fragment() -> tuple[str, str]:
            page = await asyncio.to_thread(caseload, app, viewer, where, now=pages.clock())
            refs = [row.person_ref for row in page.rows]
            names = await asyncio.to_thread(own.names, viewer.agency, token, refs)
            html = _render(request, "_caseload_rows.html",
                           {"viewer": viewer, "where": where, "page": page, "names": names})
            return html, "Ärendelistan är uppdaterad."

        marker = await asyncio.to_thread(caseload_marker, app)
        return ServerSentEvent(_stream(
            broadcaster, lambda: asyncio.to_thread(caseload_marker, app), marker, fragment,
        ))

    @get("/ui/cases/{person_ref:str}/live", include_in_schema=False)
    async def case_live(request: AnyRequest, person_ref: FromPath[str]) -> ServerSentEvent:
        viewer = _require(viewers, request)
        first = await asyncio.to_thread(pages.build, person_ref, viewer)
        shown = {row.row_id for row in first.rows}

        async def version() -> str:
            found = await asyncio.to_thread(pages.reader.find, person_ref)
            return str(found.version if found else 0)

        async def fragment() -> tuple[str, str]:
            nonlocal shown
            page = await asyncio.to_thread(pages.build, person_ref, viewer)
            fresh = {row.row_id for row in page.rows} - shown
            shown |= fresh
            html = _render(request, "_case_body.html",
                           {"viewer": viewer, "page": page, "fresh": fresh})
            return html, _announce(page, fresh)

        return ServerSentEvent(_stream(broadcaster, version, str(first.version), fragment))

    return Router(path="/", route_handlers=[caseload_live, case_live])


def _announce(page: CasePage, fresh: set[str]) -> str:
    """What a screen reader hears when rows arrive: the first line of the newest ones."""
    said = []
    for row in page.rows:
        if row.row_id not in fresh:
            continue
        if row.alert is not None:
            verb = "Signal åtgärdad" if row.alert_resolved else "Ny signal"
            said.append(f"{verb}: {row.alert.label}")
        elif row.entry is not None:
            said.append(f"{labels.agency_name(row.entry.agency)}: {row.entry.summary}")
    return ". ".join(said[-3:]) or "Ärendet är uppdaterat."


async def _stream(
    broadcaster: Broadcaster,
    marker: Callable[[], Awaitable[Any]],
    seen: str,
    fragment: Callable[[], Awaitable[tuple[str, str]]],
) -> AsyncIterator[ServerSentEventMessage]:
    """After each commit, send the fragment again if ``marker`` moved; else keep quiet."""
    yield ServerSentEventMessage(comment="ansluten", retry=3000)
    async for changed in broadcaster.changes():
        if not changed:
            yield ServerSentEventMessage(comment="håller anslutningen")
            continue
        current = str(await marker())
        if current == seen:
            continue
        seen = current
        html, announce = await fragment()
        yield ServerSentEventMessage(
            event="update", data=json.dumps({"html": html, "announce": announce}))
