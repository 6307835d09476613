"""The person's own page (min sida): thin handlers over ``queries_person``.

The page reads what ``GET /me`` answers; its two forms send a consent to the agency
that keeps it (``agency_consents``), then show the page once the shared case holds it.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import structlog
from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.agencies import Agency
from services.coordination.contacts import Contacts
from services.coordination.queries_person import get_own_view
from services.coordination.reading import CaseReader, NotYetApplied
from services.coordination.ui.agency_consents import AgencyConsents, ConsentRefused
from services.coordination.ui.viewer import Viewers

log = structlog.get_logger(__name__)

AnyRequest = Request[Any, Any, Any]
MESSAGES = {
    "given": "Tack. Ditt ja är sparat.",
    "withdrawn": "Ditt ja är borttaget. Myndigheterna ser inte längre det du sa ja till.",
    "incomplete": "Välj vad de får se och minst en myndighet.",
    "refused": "Det gick inte att spara. Försök igen, eller ring någon av myndigheterna.",
}


class ConsentForm(msgspec.Struct, kw_only=True):
    """What may be seen (one scope) and which agencies may see it (a box each)."""

    scope: str = ""
    kommun: str = ""
    af: str = ""
    fk: str = ""
    region: str = ""

    def agencies(self) -> list[str]:
        return [str(a) for a in Agency if getattr(self, str(a))]


def own_page_router(
    reader: CaseReader, viewers: Viewers, contacts: Contacts, consents: AgencyConsents
) -> Router:
    def person(request: AnyRequest) -> tuple[str, str]:
        found = viewers.person_of(request)
        if found is None:
            raise NotAuthorizedException("logga in först")
        return found

    @get("/ui/me", sync_to_thread=True, include_in_schema=False)
    def own_page(
        request: AnyRequest,
        message: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        found = viewers.person_of(request)
        if found is None:
            return Redirect(path="/ui/login")
        person_ref, _ = found
        if after:
            try:  # show the person their own consent at once (read your writes)
                reader.find_after(person_ref, after)
            except NotYetApplied:
                log.info("own_page_stale", after=after)
        return Template(
            template_name="own.html",
            context={
                "me": get_own_view(reader, contacts, person_ref),
                "message": MESSAGES.get(message or ""),
                "viewer": None,
                "person": True,
            },
        )

    @post("/ui/me/consents", sync_to_thread=True, include_in_schema=False)
    def give(
        request: AnyRequest,
        data: Annotated[ConsentForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        person_ref, token = person(request)
        view = get_own_view(reader, contacts, person_ref)
        chosen = data.agencies()
        if (
            view is None
            or view.consent_kept_by is None
            or data.scope not in view.scopes
            or not chosen
        ):
            return Redirect(path="/ui/me?message=incomplete", status_code=303)
        try:
            position = consents.give(token, person_ref, view.consent_kept_by, data.scope, chosen)
        except ConsentRefused as refused:
            log.warning("own_consent_refused", reason=str(refused))
            return Redirect(path="/ui/me?message=refused", status_code=303)
        return Redirect(path=_back("given", position), status_code=303)

    @post("/ui/me/consents/{consent_id:str}/withdraw", sync_to_thread=True, include_in_schema=False)
    def withdraw(request: AnyRequest, consent_id: FromPath[str]) -> Redirect:
        person_ref, token = person(request)
        view = get_own_view(reader, contacts, person_ref)
        kept = next(
            (c.kept_by for c in (view.consents if view else []) if c.consent_id == consent_id), None
        )
        if kept is None:
            return Redirect(path="/ui/me?message=refused", status_code=303)
        try:
            position = consents.withdraw(token, person_ref, kept, consent_id)
        except ConsentRefused as refused:
            log.warning("own_consent_refused", reason=str(refused))
            return Redirect(path="/ui/me?message=refused", status_code=303)
        return Redirect(path=_back("withdrawn", position), status_code=303)

    return Router(path="/", route_handlers=[own_page, give, withdraw])


def _back(message: str, position: str | None) -> str:
    return f"/ui/me?message={message}" + (f"&after={position}" if position else "")
