"""Authentication and authorization for every service's HTTP API.

``BearerAuth`` (a Litestar authentication middleware) reads the JWT from the
``Authorization: Bearer`` header, or from the UI's ``samlad_token`` cookie, and puts
the ``Principal`` in ``request.user`` (``scope["user"]``; None when no token came).
``authorize`` (an app-wide guard) then applies the one table in adapters/auth/policy.py:
no principal → 401, a role or agency the table does not allow → 403. Both answer as
problem+json through the app's ProblemDetailsPlugin.
"""

from __future__ import annotations

from typing import Any

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.types import ASGIApp, Guard

from adapters.auth.policy import Access, Decision, access_of, decide
from adapters.auth.principal import Principal
from adapters.auth.tokens import InvalidToken
from adapters.auth.verified_tokens import VerifiedTokens

log = structlog.get_logger(__name__)

COOKIE = "samlad_token"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="samlad"'}
_SAFE = frozenset({"GET", "HEAD"})
_PROBLEM_BASE = "https://samlad.se/problems/"


def unauthenticated(detail: str) -> ProblemDetailsException:
    """401: no token, or one this deployment did not sign or that has expired."""
    return ProblemDetailsException(
        status_code=401, type_=_PROBLEM_BASE + "unauthenticated",
        title="A valid bearer token is required", detail=detail, headers=CHALLENGE,
    )


def forbidden(detail: str) -> ProblemDetailsException:
    """403: a valid token whose role or agency the policy table does not allow here."""
    return ProblemDetailsException(
        status_code=403, type_=_PROBLEM_BASE + "forbidden",
        title="The caller's role or agency may not do this", detail=detail,
    )


def _token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # A cookie rides along on any request the browser makes, so it counts only for
    # reads and for the UI's own forms: a page elsewhere cannot post a command with it.
    method = connection.scope.get("method", "GET")
    if method in _SAFE or connection.scope["path"].startswith("/ui"):
        return connection.cookies.get(COOKIE) or None
    return None


class BearerAuth(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, *, service: str, tokens: VerifiedTokens) -> None:
        super().__init__(app)
        self.service = service
        self.tokens = tokens

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = _token(connection)
        if token is None:
            return AuthenticationResult(user=None, auth=None)
        try:
            principal = self.tokens.verify(token)
        except InvalidToken as error:
            access = access_of(self.service, str(connection.scope.get("method", "GET")),
                               connection.scope["path"])
            if access in (Access.OPEN, Access.UI):
                # A stale cookie must not lock anyone out of the login page or a probe.
                return AuthenticationResult(user=None, auth=None)
            log.info("token_rejected", service=self.service, reason=str(error))
            raise unauthenticated(f"invalid token: {error}") from None
        return AuthenticationResult(user=principal, auth=token)


def auth_middleware(service: str, key: Ed25519PublicKey) -> DefineMiddleware:
    # One memory of verified tokens per app: Litestar builds a middleware per route.
    return DefineMiddleware(BearerAuth, service=service, tokens=VerifiedTokens(key))


def authorizer(service: str) -> Guard:
    """The app-wide guard of ``service``: the policy table, decided per request."""

    def authorize(
        connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        method = str(connection.scope.get("method", "GET"))
        access = access_of(service, method, connection.scope["path"])
        principal: Principal | None = connection.scope.get("user")
        decision = decide(access, service, principal, connection.scope["path"])
        if decision is Decision.UNAUTHENTICATED:
            raise unauthenticated("send Authorization: Bearer <token>")
        if decision is Decision.FORBIDDEN and principal is not None:
            log.info("access_denied", service=service, access=str(access),
                     subject=principal.subject, agency=principal.agency,
                     role=str(principal.role))
            who = principal.agency or (
                "their own person" if principal.person_ref else "förbundet")
            raise forbidden(f"{principal.role} of {who} may not {access} on {service}")

    return authorize
