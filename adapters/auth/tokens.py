"""Signed bearer tokens (JWT, HS256) that say who calls: subject, agency and role.

One symmetric key per deployment: ``SAMLAD_JWT_KEY`` when set (production, from a
secret store), else ``<data_dir>/keys/jwt.key``, generated on first use. Every
service of a deployment verifies with the same key; ``samlad token issue`` signs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt

from adapters.auth.principal import Principal, Role
from adapters.keyfile import read_or_create_key

__all__ = [
    "DEFAULT_TTL",
    "InvalidToken",
    "issue_token",
    "key_file",
    "load_signing_key",
    "verify_token",
]

ALGORITHM = "HS256"
ISSUER = "samlad"
AUDIENCE = "samlad"
DEFAULT_TTL = timedelta(hours=8)
"""One working day: a stolen token stops working by the next morning."""
AGENCIES = frozenset({"kommun", "af", "fk", "region"})
LEEWAY = timedelta(seconds=30)


class InvalidToken(Exception):
    """Missing, malformed, expired, badly signed, or naming an unknown agency or role."""


class HasDataDir(Protocol):
    @property
    def data_dir(self) -> Path: ...


def key_file(data_dir: Path) -> Path:
    return data_dir / "keys" / "jwt.key"


def load_signing_key(data_dir: Path, env: Mapping[str, str] | None = None) -> bytes:
    """``SAMLAD_JWT_KEY`` (at least 32 bytes) or the data dir's generated key."""
    configured = (env or {}).get("SAMLAD_JWT_KEY")
    if configured:
        key = configured.encode()
        if len(key) < 32:
            raise ValueError("SAMLAD_JWT_KEY must be at least 32 bytes")
        return key
    return read_or_create_key(key_file(data_dir))


def issue_token(
    key: bytes | None = None,
    *,
    agency: str | None,
    role: str | Role,
    subject: str,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
    settings: HasDataDir | None = None,
) -> str:
    """A signed token for ``subject``; ``settings`` stands in for ``key`` (its data dir).

    ``agency`` None is a role of the förbund itself (an auditor), never a case worker.
    """
    role = Role(role)
    _check(agency, role)
    if key is None:
        if settings is None:
            raise ValueError("issue_token needs a key or settings")
        key = load_signing_key(settings.data_dir)
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": subject, "agency": agency,
        "role": str(role), "iat": issued, "nbf": issued - LEEWAY,
        "exp": issued + ttl, "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_token(key: bytes, token: str, *, now: datetime | None = None) -> Principal:
    """The principal a valid token names; ``InvalidToken`` says why not."""
    options: Any = {"require": ["exp", "iat", "sub", "iss", "aud"]}
    try:
        if now is None:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                issuer=ISSUER, leeway=LEEWAY, options=options)
        else:
            # Checked by hand against the given clock, so tests need no clock patching.
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                issuer=ISSUER, options=options | {"verify_exp": False,
                                                                  "verify_nbf": False})
            if now.timestamp() > claims["exp"] + LEEWAY.total_seconds():
                raise jwt.ExpiredSignatureError("Signature has expired")
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from None
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise InvalidToken(f"unknown role {claims.get('role')!r}") from None
    agency = claims.get("agency")
    _check(agency, role, error=InvalidToken)
    return Principal(subject=str(claims["sub"]), agency=agency, role=role)


def _check(
    agency: str | None, role: Role, error: type[Exception] = ValueError
) -> None:
    if agency is not None and agency not in AGENCIES:
        raise error(f"unknown agency {agency!r}")
    if agency is None and role in (Role.CASE_WORKER, Role.COORDINATOR):
        # A case worker or coordinator always works for one agency (sekretess follows it).
        raise error(f"a {role} belongs to an agency")
