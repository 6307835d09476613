"""Who is looking at the UI, and the development login that says so.

The auth middleware (services/runtime/auth.py) puts the caller's ``Principal`` in the
request scope when the request carries a valid token, as an ``Authorization: Bearer``
header or the ``samlad_token`` cookie; the UI reads it from there. Where the
middleware is not installed, the UI verifies the same token itself with the
deployment's key, so it never trusts an unchecked token either way.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from litestar import Request

from adapters.auth.principal import Principal, Role
from adapters.auth.tokens import (
    InvalidToken,
    issue_token,
    load_signing_key,
    load_verifying_key,
    verify_token,
)
from domain.agencies import Agency
from services.settings import Settings

COOKIE = "samlad_token"

ROLES = {
    str(Role.CASE_WORKER): "Handläggare",
    str(Role.COORDINATOR): "Samordnare",
    str(Role.AUDITOR): "Uppföljare / revisor (förbundet)",
    str(Role.BOARD): "Styrelse (förbundet)",
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
    """``agency`` None: a role of the förbund (auditor) that sees every agency's details."""

    subject: str
    agency: Agency | None
    role: str

    @property
    def label(self) -> str:
        where = AGENCY_NAMES[self.agency] if self.agency else "Samordningsförbundet"
        return f"{ROLES.get(self.role, self.role)}, {where}"

    @property
    def reads_cases(self) -> bool:
        """The board decides the rules and tries them on the history; it reads no case."""
        return self.role != Role.BOARD

    @property
    def tries_rules(self) -> bool:
        """Who may replay the history under other thresholds: the board and auditors."""
        return self.role in (Role.BOARD, Role.AUDITOR)


def _agency(value: object) -> Agency | None:
    try:
        return Agency(str(value)) if value else None
    except ValueError:
        return None


def _viewer(principal: object) -> Viewer | None:
    """A case worker, coordinator or auditor; never a person (they have their own page)."""
    role = getattr(principal, "role", None)
    if role is None or role == Role.PERSON:
        return None
    return Viewer(subject=str(getattr(principal, "subject", "")),
                  agency=_agency(getattr(principal, "agency", None)), role=str(role))


class Viewers:
    """Reads the viewer of a request; issues the dev login's token."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @cached_property
    def _key(self) -> Ed25519PublicKey:
        # Read on first use, not at construction: nothing is built at import or wiring.
        return load_verifying_key(self._settings.data_dir, os.environ)

    @cached_property
    def _signing_key(self) -> Ed25519PrivateKey:
        # Only the development login signs; production tokens come from the IdP.
        return load_signing_key(self._settings.data_dir, os.environ)

    def of(self, request: Request[Any, Any, Any]) -> Viewer | None:
        """The case worker (or auditor) of the request; None for no one or a person."""
        return _viewer(self._principal(request))

    def person_of(self, request: Request[Any, Any, Any]) -> tuple[str, str] | None:
        """``(person_ref, token)`` when a person calls: their own page, their own token."""
        principal = self._principal(request)
        person_ref = getattr(principal, "person_ref", None)
        if getattr(principal, "role", None) != Role.PERSON or not person_ref:
            return None
        return str(person_ref), self.token_of(request)

    def _principal(self, request: Request[Any, Any, Any]) -> Principal | None:
        """The middleware's principal, else the verified token of the request, else None."""
        found: Principal | None = request.scope.get("user")
        if found is not None:
            return found
        token = self.token_of(request)
        if not token:
            return None
        try:
            return verify_token(self._key, token)
        except InvalidToken:
            return None

    @staticmethod
    def token_of(request: Request[Any, Any, Any]) -> str:
        """The request's bearer token or the dev login's cookie ("" if neither)."""
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        return token or request.cookies.get(COOKIE, "")

    def person_token(self, person_ref: str) -> str:
        """A token for the dev login of a participant: their own reference, no agency."""
        return issue_token(self._signing_key, agency=None, role=Role.PERSON,
                           subject=f"ui-person-{person_ref}", person_ref=person_ref)

    def login_token(self, agency: Agency | None, role: str) -> str:
        """A token for the dev login; a förbund login (no agency) is an auditor or the
        board, and the board is always the förbund's."""
        if role == Role.BOARD:
            agency = None
        elif agency is None or role not in ROLES:
            role = str(Role.AUDITOR) if agency is None else str(Role.CASE_WORKER)
        subject = f"ui-{agency or 'forbund'}-{role}"
        return issue_token(self._signing_key, agency=str(agency) if agency else None, role=role,
                           subject=subject)
