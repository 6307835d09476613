"""Who is looking at the UI, and the development login that says so.

With JWT auth in place (services/runtime/auth.py) the middleware puts a ``Principal``
in the request scope and the UI reads it from there. Until then, and in development,
the login form sets the cookie ``samlad_token`` itself: a signed JWT from
``adapters.auth.tokens.issue_token`` when that exists, otherwise a plain
``dev:<agency>:<role>`` value that only this UI reads. The plain cookie grants
nothing but a choice of view; it is not an authentication.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import msgspec
from litestar import Request

from domain.agencies import Agency

COOKIE = "samlad_token"
PLAIN_PREFIX = "dev"

ROLES = {
    "handlaggare": "Handläggare",
    "samordnare": "Samordnare",
    "auditor": "Uppföljare / revisor",
}
AGENCY_NAMES = {
    Agency.KOMMUN: "Kommunen",
    Agency.AF: "Arbetsförmedlingen",
    Agency.FK: "Försäkringskassan",
    Agency.REGION: "Regionen",
}
AGENCY_SHORT = {Agency.KOMMUN: "Kommun", Agency.AF: "AF", Agency.FK: "FK",
                Agency.REGION: "Region"}


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """``agency`` None: a role of the förbund that sees every agency's details."""

    subject: str
    agency: Agency | None
    role: str

    @property
    def label(self) -> str:
        where = AGENCY_NAMES[self.agency] if self.agency else "Samordningsförbundet"
        return f"{ROLES.get(self.role, self.role)}, {where}"


def _tokens() -> Any | None:
    """``adapters.auth.tokens`` once the auth work has landed; None before."""
    try:
        return importlib.import_module("adapters.auth.tokens")
    except ImportError:
        return None


def _agency(value: object) -> Agency | None:
    try:
        return Agency(str(value)) if value else None
    except ValueError:
        return None


def _from_principal(user: object) -> Viewer | None:
    role = getattr(user, "role", None)
    if role is None:
        return None
    return Viewer(subject=str(getattr(user, "subject", "")),
                  agency=_agency(getattr(user, "agency", None)), role=str(role))


def viewer_of(request: Request[Any, Any, Any]) -> Viewer | None:
    """The viewer from the auth middleware's principal, else from the dev cookie."""
    principal = _from_principal(request.scope.get("user"))
    if principal is not None:
        return principal
    value = request.cookies.get(COOKIE, "")
    prefix, _, rest = value.partition(":")
    if prefix != PLAIN_PREFIX or _tokens() is not None:
        # A JWT is for the auth middleware to check; the UI never trusts one unchecked.
        return None
    agency_text, _, role = rest.partition(":")
    if role not in ROLES:
        return None
    return Viewer(subject=f"dev-{agency_text or 'forbund'}", agency=_agency(agency_text),
                  role=role)


def login_value(agency: Agency | None, role: str, settings: object) -> tuple[str, bool]:
    """The cookie value for a dev login, and whether it is a signed token."""
    subject = f"ui-{agency or 'forbund'}-{role}"
    tokens = _tokens()
    issue = getattr(tokens, "issue_token", None)
    if issue is None:
        return f"{PLAIN_PREFIX}:{agency or ''}:{role}", False
    # The signature is the auth work's to decide; pass what it asks for by name.
    offered: dict[str, object] = {
        "subject": subject, "agency": str(agency) if agency else None, "role": role,
        "settings": settings,
    }
    wanted = inspect.signature(issue).parameters
    if "principal" in wanted:
        from adapters.auth.principal import Principal, Role

        offered["principal"] = Principal(subject=subject, agency=offered["agency"],  # type: ignore[arg-type]
                                         role=Role(role))
    return str(issue(**{k: v for k, v in offered.items() if k in wanted})), True
