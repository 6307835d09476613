"""Signed bearer tokens (JWT, EdDSA) that say who calls: subject, agency and role.

Ed25519: only the issuer holds the private key, so a service (which only verifies)
cannot mint a token for another agency. The signing key is ``SAMLAD_JWT_SIGNING_KEY``
(base64url of the 32-byte seed, production: the identity provider's secret) or
``<data_dir>/keys/jwt-signing.key``, generated on first use; services verify with
``SAMLAD_JWT_PUBLIC_KEY`` (base64url of the 32-byte public key) or, on the embedded
default, the public half of the data dir's key. ``samlad token issue`` signs.
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from adapters.auth.principal import Principal, Role
from adapters.keyfile import read_or_create_key

__all__ = [
    "DEFAULT_TTL",
    "InvalidToken",
    "issue_token",
    "key_file",
    "load_signing_key",
    "load_verifying_key",
    "public_key_text",
    "verify_token",
    "verify_token_until",
]

ALGORITHM = "EdDSA"
ISSUER = "samlad"
AUDIENCE = "samlad"
DEFAULT_TTL = timedelta(hours=8)
"""One working day: a stolen token stops working by the next morning."""
AGENCIES = frozenset({"kommun", "af", "fk", "region"})
PERSON_REF = re.compile(r"^p[a-z2-7]{26}$")
"""The pseudonymous person reference (adapters/pseudonym.py) a ``person`` token names."""
LEEWAY = timedelta(seconds=30)


class InvalidToken(Exception):
    """Missing, malformed, expired, badly signed, or naming an unknown agency or role."""


class HasDataDir(Protocol):
    @property
    def data_dir(self) -> Path: ...


def key_file(data_dir: Path) -> Path:
    return data_dir / "keys" / "jwt-signing.key"


def _raw(value: str, name: str) -> bytes:
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if len(raw) != 32:
        raise ValueError(f"{name} must be 32 bytes, base64url-encoded")
    return raw


def load_signing_key(
    data_dir: Path, env: Mapping[str, str] | None = None
) -> Ed25519PrivateKey:
    """``SAMLAD_JWT_SIGNING_KEY`` or the data dir's generated Ed25519 seed."""
    configured = (env or {}).get("SAMLAD_JWT_SIGNING_KEY")
    seed = (_raw(configured, "SAMLAD_JWT_SIGNING_KEY") if configured
            else read_or_create_key(key_file(data_dir)))
    return Ed25519PrivateKey.from_private_bytes(seed[:32])


def load_verifying_key(
    data_dir: Path, env: Mapping[str, str] | None = None
) -> Ed25519PublicKey:
    """``SAMLAD_JWT_PUBLIC_KEY``; on the embedded default the data dir key's public half."""
    configured = (env or {}).get("SAMLAD_JWT_PUBLIC_KEY")
    if configured:
        return Ed25519PublicKey.from_public_bytes(_raw(configured, "SAMLAD_JWT_PUBLIC_KEY"))
    return load_signing_key(data_dir, env).public_key()


def public_key_text(key: Ed25519PrivateKey) -> str:
    """What to set as ``SAMLAD_JWT_PUBLIC_KEY`` on the services."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def issue_token(
    key: Ed25519PrivateKey | None = None,
    *,
    agency: str | None,
    role: str | Role,
    subject: str,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
    settings: HasDataDir | None = None,
    person_ref: str | None = None,
) -> str:
    """A signed token for ``subject``; ``settings`` stands in for ``key`` (its data dir).

    ``agency`` None is a role of the förbund itself (an auditor), never a case worker.
    A ``person`` token names the person's own ``person_ref`` and no agency.
    """
    role = Role(role)
    _check(agency, role, person_ref)
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
    if person_ref is not None:
        claims["person_ref"] = person_ref
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_token(
    key: Ed25519PublicKey, token: str, *, now: datetime | None = None
) -> Principal:
    """The principal a valid token names; ``InvalidToken`` says why not."""
    return verify_token_until(key, token, now=now)[0]


def verify_token_until(
    key: Ed25519PublicKey, token: str, *, now: datetime | None = None
) -> tuple[Principal, float]:
    """``verify_token``, and the POSIX time after which the token is refused (leeway in)."""
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
    person_ref = claims.get("person_ref")
    _check(agency, role, person_ref, error=InvalidToken)
    principal = Principal(subject=str(claims["sub"]), agency=agency, role=role,
                          person_ref=person_ref)
    return principal, float(claims["exp"]) + LEEWAY.total_seconds()


def _check(
    agency: str | None, role: Role, person_ref: object,
    error: type[Exception] = ValueError,
) -> None:
    if agency is not None and agency not in AGENCIES:
        raise error(f"unknown agency {agency!r}")
    if agency is None and role in (Role.CASE_WORKER, Role.COORDINATOR):
        # A case worker or coordinator always works for one agency (sekretess follows it).
        raise error(f"a {role} belongs to an agency")
    if role is Role.PERSON:
        # The person speaks for themself only: one reference, and never as an agency.
        if agency is not None:
            raise error("a person token names no agency")
        if not isinstance(person_ref, str) or not PERSON_REF.match(person_ref):
            raise error("a person token names the person's own person_ref")
    elif person_ref is not None:
        raise error(f"only a person token names a person_ref, not a {role}")


def auth_headers(
    settings: HasDataDir, agency: str | None, role: str | Role = Role.CASE_WORKER,
    *, subject: str | None = None, person_ref: str | None = None,
) -> dict[str, str]:
    """An ``Authorization`` header signed with the key the services of ``settings`` use.

    For whatever drives the APIs of one data dir from outside: the demo loader, scripts,
    benchmarks and tests. ``person_ref`` with role ``person``: the participant's own token.
    """
    key = load_signing_key(settings.data_dir, os.environ)
    token = issue_token(key, agency=agency, role=role, person_ref=person_ref,
                        subject=subject or f"test-{agency or person_ref or 'forbund'}-"
                        f"{Role(role)}")
    return {"Authorization": f"Bearer {token}"}
