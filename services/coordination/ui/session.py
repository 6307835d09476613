"""The development login: pick an agency and a role, get the ``samlad_token`` cookie.

A participant logs in with their personnummer (or reference) and gets a ``person``
token naming their own reference, which opens their own page (/ui/me) and nothing else.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
import structlog
from litestar import Router, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from domain.agencies import Agency
from services.coordination.ui.person_lookup import person_ref_of
from services.coordination.ui.viewer import AGENCY_NAMES, COOKIE, ROLES, Viewers
from services.settings import Settings

log = structlog.get_logger(__name__)


class LoginForm(msgspec.Struct, kw_only=True):
    agency: str = ""
    role: str = "handlaggare"


class PersonLoginForm(msgspec.Struct, kw_only=True):
    """Personnummer (turned into the reference at once, never stored) or the reference."""

    person: str = ""


def _cookie(value: str) -> Cookie:
    # HttpOnly: scripts never read the token; SameSite=Lax: other sites cannot post
    # the UI's forms with it.
    return Cookie(key=COOKIE, value=value, path="/", httponly=True, samesite="lax")


def session_router(viewers: Viewers, settings: Settings, *, enabled: bool = True) -> Router:
    @get("/ui/login", include_in_schema=False)
    async def login_page(message: FromQuery[str | None] = None) -> Template:
        return Template(template_name="login.html",
                        context={"agencies": AGENCY_NAMES, "roles": ROLES,
                                 "invalid": message == "ogiltigt"})

    @post("/ui/login", include_in_schema=False)
    async def login(
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        if not enabled:
            # Anyone reaching this form could otherwise act as any agency.
            raise PermissionDeniedException("the development login is switched off")
        agency = Agency(data.agency) if data.agency in set(Agency) else None
        value = viewers.login_token(agency, data.role)
        log.info("ui_login", agency=str(agency) if agency else None, role=data.role)
        return Redirect(path="/ui", status_code=303, cookies=[_cookie(value)])

    @post("/ui/login/person", include_in_schema=False)
    async def login_person(
        data: Annotated[PersonLoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """The participant's development login; in production the e-legitimation (BankID)
        login of the identity provider issues the same token."""
        if not enabled:
            raise PermissionDeniedException("the development login is switched off")
        person_ref = person_ref_of(data.person, settings.pseudonym_key_file)
        if person_ref is None:
            return Redirect(path="/ui/login?message=ogiltigt", status_code=303)
        log.info("ui_login", role="person")
        return Redirect(path="/ui/me", status_code=303,
                        cookies=[_cookie(viewers.person_token(person_ref))])

    @post("/ui/logout", include_in_schema=False)
    async def logout() -> Redirect:
        return Redirect(path="/ui/login", status_code=303,
                        cookies=[Cookie(key=COOKIE, value="", path="/", max_age=0)])

    return Router(path="/", route_handlers=[login_page, login, login_person, logout])
