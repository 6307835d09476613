"""The case workers' pages: the caseload, finding a person, and one case.

Server-rendered (Jinja); the pages work without JavaScript, and a few lines of it
(static/samlad.js) swap in the fragments the live streams (streams.py) send.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import structlog
from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from services.coordination.application import CoordinationApplication
from services.coordination.ui.case_page import CasePages
from services.coordination.ui.caseload import CaseloadFilter, caseload, kommuner
from services.coordination.ui.own_records import OwnRecords
from services.coordination.ui.person_lookup import person_ref_of
from services.coordination.ui.room import room_summary
from services.coordination.ui.viewer import Viewers
from services.settings import Settings

log = structlog.get_logger(__name__)

AnyRequest = Request[Any, Any, Any]


class SearchForm(msgspec.Struct, kw_only=True):
    query: str = ""


def page_router(
    app: CoordinationApplication, settings: Settings, viewers: Viewers, pages: CasePages,
    own: OwnRecords,
) -> Router:
    @get("/ui", sync_to_thread=True, include_in_schema=False)
    def caseload_page(
        request: AnyRequest,
        kommun: FromQuery[str | None] = None,
        rule: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None, message: FromQuery[str | None] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Template | Redirect:
        viewer = viewers.of(request)
        if viewer is None:
            # A person has their own page; the caseload is never theirs to see.
            return Redirect(path="/ui/me" if viewers.person_of(request) else "/ui/login")
        if not viewer.reads_cases:
            return Redirect(path="/ui/regler")
        where = CaseloadFilter(kommun=kommun or "", rule=rule or "", agency=agency or "",
                               offset=offset)
        page = caseload(app, viewer, where, now=pages.clock())
        names = own.names(viewer.agency, viewers.token_of(request),
                          [row.person_ref for row in page.rows])
        return Template(template_name="caseload.html", context={
            "viewer": viewer, "where": where, "page": page, "names": names,
            "kommuner": kommuner(app), "message": message,
            "live_query": request.url.query, "room": room_summary(app, pages.clock().date()),
        })

    @post("/ui/search", sync_to_thread=True, include_in_schema=False)
    def search(
        request: AnyRequest,
        data: Annotated[SearchForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        # POST, so a personnummer never lands in a URL, a log line or the browser history;
        # it is turned into the reference here and forgotten.
        viewer = viewers.of(request)
        if viewer is None:
            raise NotAuthorizedException("logga in först")
        if not viewer.reads_cases:
            raise PermissionDeniedException("styrelsen läser inga ärenden")
        text = person_ref_of(data.query, settings.pseudonym_key_file)
        if text is None:
            return Redirect(path="/ui?message=ogiltigt", status_code=303)
        if app.find_case(text) is None:
            return Redirect(path="/ui?message=saknas", status_code=303)
        return Redirect(path=f"/ui/cases/{text}", status_code=303)

    @get("/ui/cases/{person_ref:str}", sync_to_thread=True, include_in_schema=False)
    def case_view(request: AnyRequest, person_ref: FromPath[str]) -> Template | Redirect:
        viewer = viewers.of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        if not viewer.reads_cases:
            raise PermissionDeniedException("styrelsen läser inga ärenden")
        page = pages.build(person_ref, viewer)
        # Every read of a case by a person is logged: who, when and which case.
        log.info("case_read", what="ui", subject=viewer.subject, agency=viewer.agency,
                 role=viewer.role, person_ref=person_ref, version=page.version)
        return Template(template_name="case.html",
                        context={"viewer": viewer, "page": page, "fresh": set()})

    return Router(path="/", route_handlers=[caseload_page, search, case_view])
