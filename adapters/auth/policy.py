"""Who may do what, in one table: access class of an endpoint × role → where.

Endpoints fall into a few access classes (``access_of``); each role either has no
entry (403), may act only on its own agency's service (``OWN``), only about the person
its token names (``SELF``: the participant's own view and consent), or anywhere the
class exists (``ANY``). The coordination API then narrows *what* a reader sees by
consent (domain/case/visibility.py); this table only says whether they get in.
"""

from __future__ import annotations

import re
from enum import StrEnum

from adapters.auth.principal import Principal, Role

__all__ = ["RULES", "Access", "Decision", "Reach", "access_of", "decide", "person_in_path"]

COORDINATION = "coordination"


class Access(StrEnum):
    OPEN = "open"  # probes, the OpenAPI document, static assets: no token
    UI = "ui"  # HTML pages: a principal when there is one; the UI sends others to log in
    COMMAND = "command"  # changes an agency's record (every non-GET on an agency service)
    CONSENT = "consent"  # records or withdraws a consent at an agency (a command too)
    RECORD = "record"  # reads an agency's own record
    CASE = "case"  # reads the shared case, its timeline, the caseload and alerts
    OPS = "ops"  # operational views of the coordination service
    AUDIT = "audit"  # the auditor's views: indicators, access log, a case as of a date
    RULES = "rules"  # the rule policy in force and its history: no personal data
    POLICY = "policy"  # changing the rule policy: the förbund board's decision
    SELF = "self"  # the participant's own view of their case (coordination ``/me``)
    NONE = "none"  # no one: a write on coordination outside the UI


class Reach(StrEnum):
    OWN = "own"  # only on the service of the principal's own agency
    SELF = "self"  # only about the person the principal's token names
    ANY = "any"


RULES: dict[Access, dict[Role, Reach]] = {
    Access.COMMAND: {Role.CASE_WORKER: Reach.OWN, Role.COORDINATOR: Reach.OWN,
                     Role.SYSTEM: Reach.OWN},
    Access.CONSENT: {Role.CASE_WORKER: Reach.OWN, Role.COORDINATOR: Reach.OWN,
                     Role.SYSTEM: Reach.OWN, Role.PERSON: Reach.SELF},
    Access.RECORD: {Role.CASE_WORKER: Reach.OWN, Role.COORDINATOR: Reach.OWN,
                    Role.SYSTEM: Reach.OWN},
    Access.CASE: {Role.CASE_WORKER: Reach.ANY, Role.COORDINATOR: Reach.ANY,
                  Role.AUDITOR: Reach.ANY, Role.SYSTEM: Reach.ANY},
    Access.OPS: {Role.AUDITOR: Reach.ANY, Role.SYSTEM: Reach.ANY},
    Access.AUDIT: {Role.AUDITOR: Reach.ANY},
    Access.RULES: {Role.CASE_WORKER: Reach.ANY, Role.COORDINATOR: Reach.ANY,
                   Role.AUDITOR: Reach.ANY, Role.SYSTEM: Reach.ANY, Role.BOARD: Reach.ANY,
                   Role.PERSON: Reach.ANY},
    Access.POLICY: {Role.BOARD: Reach.ANY},
    Access.SELF: {Role.PERSON: Reach.SELF},
    Access.NONE: {},
}
"""Auditors read only (no COMMAND), and only the shared side (no agency RECORD). The
board reads and changes the rule policy and reads no case. A person reads only their
own view and records only their own consent: the same consent command a case worker
gives, at the agency that keeps it (ADR 0019)."""

_OPEN = re.compile(
    r"^/(health|ready|metrics|schema(/.*)?|swagger(/.*)?|contracts(/.*)?|favicon\.ico|ui/static/.*)$"
)
_UI = re.compile(r"^/ui(/.*)?$")
_AUDIT = re.compile(r"^/(audit(/.*)?|cases/[^/]+/as-of)$")
_RULES = re.compile(r"^/rules(/.*)?$")
_OPS = re.compile(r"^/ops/.*$")
_SELF = re.compile(r"^/me(/.*)?$")
_CONSENT = re.compile(r"^/persons/[^/]+/consents(/[^/]+/withdraw)?$")
_PERSON = re.compile(r"^/(?:persons|cases)/([^/]+)")
_SAFE = frozenset({"GET", "HEAD"})


def access_of(service: str, method: str, path: str) -> Access:
    """The access class of a route (``path`` is the route's template or a concrete path).

    Derived from the service, method and path rather than declared per handler, so a
    new endpoint falls under a rule the moment it exists: a POST is a command.
    """
    if _OPEN.match(path):
        return Access.OPEN
    safe = method.upper() in _SAFE
    if service != COORDINATION:
        if safe:
            return Access.RECORD
        return Access.CONSENT if _CONSENT.match(path) else Access.COMMAND
    by_path = (
        (_UI, Access.UI, Access.UI), (_OPS, Access.OPS, Access.OPS),
        (_AUDIT, Access.AUDIT, Access.AUDIT), (_RULES, Access.RULES, Access.POLICY),
        (_SELF, Access.SELF, Access.NONE),
    )
    for pattern, read, write in by_path:
        if pattern.match(path):
            return read if safe else write
    return Access.CASE if safe else Access.NONE


def person_in_path(path: str) -> str | None:
    """The person reference a concrete path is about (``/persons/{ref}…``, ``/cases/{ref}…``)."""
    found = _PERSON.match(path)
    return found.group(1) if found else None


class Decision(StrEnum):
    ALLOW = "allow"
    UNAUTHENTICATED = "unauthenticated"  # 401
    FORBIDDEN = "forbidden"  # 403


def decide(
    access: Access, service: str, principal: Principal | None, path: str = ""
) -> Decision:
    """``path`` (concrete) says which person a ``SELF`` reach is asked about."""
    if access in (Access.OPEN, Access.UI):
        return Decision.ALLOW
    if principal is None:
        return Decision.UNAUTHENTICATED
    reach = RULES[access].get(principal.role)
    if reach is None:
        return Decision.FORBIDDEN
    if reach is Reach.OWN and principal.agency != service:
        return Decision.FORBIDDEN
    if reach is Reach.SELF:
        asked = person_in_path(path)
        if principal.person_ref is None or asked not in (None, principal.person_ref):
            return Decision.FORBIDDEN
    return Decision.ALLOW
