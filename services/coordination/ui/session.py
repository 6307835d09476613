"""The development login: pick an agency and a role, get the ``samlad_token`` cookie."""

from __future__ import annotations

from typing import Annotated

import msgspec
import structlog
from litestar import Router, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body
from litestar.response import Redirect, Template

from domain.agencies import Agency
from services.coordination.ui.viewer import AGENCY_NAMES, COOKIE, ROLES, Viewers

log = structlog.get_logger(__name__)


class LoginForm(msgspec.Struct, kw_only=True):
    agency: str = ""
    role: str = "handlaggare"


def session_router(viewers: Viewers, *, enabled: bool = True) -> Router:
    @get("/ui/login", include_in_schema=False)
    async def login_page() -> Template:
        return Template(template_name="login.html",
                        context={"agencies": AGENCY_NAMES, "roles": ROLES})

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
        # HttpOnly: scripts never read the token; SameSite=Lax: other sites cannot post
        # the UI's forms with it.
        return Redirect(path="/ui", status_code=303, cookies=[Cookie(
            key=COOKIE, value=value, path="/", httponly=True, samesite="lax",
        )])

    @post("/ui/logout", include_in_schema=False)
    async def logout() -> Redirect:
        return Redirect(path="/ui/login", status_code=303,
                        cookies=[Cookie(key=COOKIE, value="", path="/", max_age=0)])

    return Router(path="/", route_handlers=[login_page, login, logout])
