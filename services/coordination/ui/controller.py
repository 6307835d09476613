"""The case workers' pages: login, caseload, case, and their live streams.

Server-rendered (Jinja); the pages work without JavaScript, and a few lines of it
(static/samlad.js) swap in fragments the live streams send after each commit.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any

import msgspec
import structlog
from litestar import Request, Router, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import Body
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Template
from litestar.static_files import create_static_files_router

from adapters.pseudonym import InvalidPersonnummer, Pseudonymiser
from domain.agencies import Agency
from domain.case.aggregate import Case
from services.coordination.application import CoordinationApplication
from services.coordination.live import Broadcaster
from services.coordination.ui import labels
from services.coordination.ui.case_page import CasePage, case_page
from services.coordination.ui.caseload import (
    CaseloadFilter,
    caseload,
    caseload_marker,
    kommuner,
)
from services.coordination.ui.viewer import (
    AGENCY_NAMES,
    COOKIE,
    ROLES,
    Viewer,
    login_value,
    viewer_of,
)
from services.runtime.clock import Clock
from services.settings import Settings

log = structlog.get_logger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
PERSON_REF = re.compile(r"^p[a-z2-7]{26}$")
AnyRequest = Request[Any, Any, Any]


class LoginForm(msgspec.Struct, kw_only=True):
    agency: str = ""
    role: str = "handlaggare"


class SearchForm(msgspec.Struct, kw_only=True):
    query: str = ""


def _require(request: AnyRequest) -> Viewer:
    viewer = viewer_of(request)
    if viewer is None:
        raise NotAuthorizedException("logga in först")
    return viewer


def _filter(kommun: str | None, rule: str | None, agency: str | None) -> CaseloadFilter:
    return CaseloadFilter(kommun=kommun or "", rule=rule or "", agency=agency or "")


def ui_router(
    app: CoordinationApplication, settings: Settings, broadcaster: Broadcaster, clock: Clock
) -> Router:
    """Every /ui route; ``broadcaster`` must be in ``app.after_commit``."""

    def render(request: AnyRequest, name: str, context: dict[str, Any]) -> str:
        engine = request.app.template_engine
        if engine is None:
            raise RuntimeError("the UI needs the coordination template config")
        return str(engine.get_template(name).render(**context))

    def caseload_context(viewer: Viewer, where: CaseloadFilter) -> dict[str, Any]:
        return {"viewer": viewer, "where": where, "rows": caseload(app, viewer, where)}

    def load_case(person_ref: str) -> Case:
        case = app.find_case(person_ref) if PERSON_REF.match(person_ref) else None
        if case is None:
            raise NotFoundException("Det finns inget ärende för den personen.")
        return case

    @get("/ui", sync_to_thread=True, include_in_schema=False)
    def caseload_page(
        request: AnyRequest, kommun: str | None = None, rule: str | None = None,
        agency: str | None = None, message: str | None = None,
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        where = _filter(kommun, rule, agency)
        return Template(template_name="caseload.html", context={
            **caseload_context(viewer, where), "kommuner": kommuner(app),
            "message": message, "live_query": request.url.query,
        })

    @get("/ui/login", include_in_schema=False)
    async def login_page() -> Template:
        return Template(template_name="login.html",
                        context={"agencies": AGENCY_NAMES, "roles": ROLES})

    @post("/ui/login", include_in_schema=False)
    async def login(
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        agency = Agency(data.agency) if data.agency in set(Agency) else None
        role = data.role if data.role in ROLES else "handlaggare"
        value, signed = login_value(agency, role, settings)
        log.info("ui_login", agency=str(agency) if agency else None, role=role, signed=signed)
        return Redirect(path="/ui", status_code=303, cookies=[Cookie(
            key=COOKIE, value=value, path="/", httponly=True, samesite="lax",
        )])

    @post("/ui/logout", include_in_schema=False)
    async def logout() -> Redirect:
        return Redirect(path="/ui/login", status_code=303,
                        cookies=[Cookie(key=COOKIE, value="", path="/", max_age=0)])

    @post("/ui/search", sync_to_thread=True, include_in_schema=False)
    def search(
        request: AnyRequest,
        data: Annotated[SearchForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        # POST, so a personnummer never lands in a URL, a log line or the browser history.
        _require(request)
        text = data.query.strip().lower()
        if not PERSON_REF.match(text):
            try:
                text = Pseudonymiser.from_file(settings.pseudonym_key_file).person_ref(text)
            except InvalidPersonnummer:
                return Redirect(path="/ui?message=ogiltigt", status_code=303)
        if app.find_case(text) is None:
            return Redirect(path="/ui?message=saknas", status_code=303)
        return Redirect(path=f"/ui/cases/{text}", status_code=303)

    @get("/ui/cases/{person_ref:str}", sync_to_thread=True, include_in_schema=False)
    def case_view(request: AnyRequest, person_ref: str) -> Template | Redirect:
        viewer = viewer_of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        page = case_page(app, load_case(person_ref), viewer, clock())
        # Every read of a case by a person is logged: who, when and which case.
        log.info("case_viewed", subject=viewer.subject, agency=viewer.agency,
                 role=viewer.role, person_ref=person_ref, version=page.version)
        return Template(template_name="case.html", context={
            "viewer": viewer, "page": page, "fresh": set(),
        })

    @get("/ui/live", include_in_schema=False)
    async def caseload_live(
        request: AnyRequest, kommun: str | None = None, rule: str | None = None,
        agency: str | None = None,
    ) -> ServerSentEvent:
        viewer = _require(request)
        where = _filter(kommun, rule, agency)

        async def fragment() -> str | None:
            context = await asyncio.to_thread(caseload_context, viewer, where)
            return render(request, "_caseload_rows.html", context)

        marker = await asyncio.to_thread(caseload_marker, app)
        return ServerSentEvent(_stream(
            broadcaster, lambda: asyncio.to_thread(caseload_marker, app), marker,
            fragment, lambda _: "Ärendelistan är uppdaterad.",
        ))

    @get("/ui/cases/{person_ref:str}/live", include_in_schema=False)
    async def case_live(request: AnyRequest, person_ref: str) -> ServerSentEvent:
        viewer = _require(request)
        case = await asyncio.to_thread(load_case, person_ref)
        shown = {"rows": {row.row_id for row in case_page(app, case, viewer, clock()).rows}}

        async def version() -> str:
            found = await asyncio.to_thread(app.find_case, person_ref)
            return str(found.version if found else 0)

        async def fragment() -> str | None:
            page: CasePage = await asyncio.to_thread(
                case_page, app, load_case(person_ref), viewer, clock())
            before, now_shown = shown["rows"], {row.row_id for row in page.rows}
            shown["rows"] = now_shown
            fresh = now_shown - before
            shown["announce"] = _announce(page, fresh)  # type: ignore[assignment]
            return render(request, "_case_body.html",
                          {"viewer": viewer, "page": page, "fresh": fresh})

        return ServerSentEvent(_stream(
            broadcaster, version, str(case.version), fragment,
            lambda _: str(shown.get("announce") or "Ärendet är uppdaterat."),
        ))

    static = create_static_files_router(path="/ui/static", directories=[STATIC_DIR],
                                        name="ui-static")
    return Router(path="/", route_handlers=[
        caseload_page, login_page, login, logout, search, case_view, caseload_live,
        case_live, static,
    ])


def _announce(page: CasePage, fresh: set[str]) -> str:
    """What a screen reader hears when rows arrive: the newest first line of each."""
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
    marker: Callable[[], Any],
    seen: str,
    fragment: Callable[[], Any],
    announce: Callable[[str], str],
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
        html = await fragment()
        data = json.dumps({"html": html, "announce": announce(current)})
        yield ServerSentEventMessage(event="update", data=data)
