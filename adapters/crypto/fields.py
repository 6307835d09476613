"""Field-level sealing of personal free text with the person's own key (AES-256-GCM).

A sealed value is a plain string, ``enc:v1:`` + base64url(nonce ‖ ciphertext), so it
passes unchanged through every layer typed ``str``: the agency's domain event and
store, the contract event on the stream, the shared case's fact details. Only a
presentation layer opens it; after ``PersonKeyStore.forget`` it opens to ``ERASED``.
The person_ref is the associated data: a value copied onto another person's record
does not open.

Which fields: the free-text ones an agency writes about a person (``PERSONAL_FIELDS``).
Coded values (dates, ids, enums, kön, födelseår) stay clear: the rules and the
follow-up statistics need them and they identify nobody without the pseudonym key.
"""

from __future__ import annotations

import base64
import os
import zlib
from collections.abc import Sequence
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.agency.errors import Invalid

__all__ = ["ERASED", "PERSONAL_FIELDS", "FieldSealer", "PersonalFields", "is_sealed"]

PREFIX = "enc:v1:"
DROPPED = PREFIX + "-"
"""Stored instead of the text when the person was already forgotten: nothing to seal."""
ERASED = "[raderad]"
PERSONAL_FIELDS = frozenset({"reason", "summary", "display_name"})
SEALED_MAX = 2000
"""The contracts' ``Text`` limit: a sealed value must still fit the field it rides in."""
_NONCE = 12
_RAW, _DEFLATED = b"r", b"z"


class Keys(Protocol):
    """What sealing needs of a key store (``PersonKeyStore``, or a fake in unit tests)."""

    def key_for(self, person_ref: str) -> bytes | None: ...

    def existing_key(self, person_ref: str) -> bytes | None: ...


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class FieldSealer:
    """Seals and opens single values for one deployment's key store."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys

    def seal(self, person_ref: str, value: str, *, field: str = "text") -> str:
        key = self.keys.key_for(person_ref)
        if key is None:
            return DROPPED
        plain = value.encode()
        deflated = zlib.compress(plain, 9)
        # Compress first (never after encrypting): long Swedish text halves, which keeps
        # a sealed value within the contract's length limit.
        body = _DEFLATED + deflated if len(deflated) < len(plain) else _RAW + plain
        nonce = os.urandom(_NONCE)
        sealed_bytes = nonce + AESGCM(key).encrypt(nonce, body, person_ref.encode())
        sealed = PREFIX + base64.urlsafe_b64encode(sealed_bytes).decode().rstrip("=")
        if len(sealed) > SEALED_MAX:
            raise Invalid(f"{field} is too long to be stored encrypted; shorten it", field=field)
        return sealed

    def open(self, person_ref: str, value: str, key: bytes | None = None) -> str:
        """The plain text, ``ERASED`` if the key is gone; unsealed values pass through."""
        if not is_sealed(value):
            return value
        if value == DROPPED:
            return ERASED
        key = key if key is not None else self.keys.existing_key(person_ref)
        if key is None:
            return ERASED
        data = value[len(PREFIX):]
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        try:
            body = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], person_ref.encode())
        except InvalidTag:
            return ERASED
        text = zlib.decompress(body[1:]) if body[:1] == _DEFLATED else body[1:]
        return text.decode()

    def open_all(self, person_ref: str, values: dict[str, str]) -> dict[str, str]:
        """Every value of a details mapping opened, with one key lookup."""
        if not any(is_sealed(v) for v in values.values()):
            return dict(values)
        key = self.keys.existing_key(person_ref)
        return {name: self.open(person_ref, value, key) for name, value in values.items()}


class PersonalFields:
    """Seals the personal fields of an aggregate's new events before they are stored."""

    def __init__(self, sealer: FieldSealer, fields: frozenset[str] = PERSONAL_FIELDS) -> None:
        self.sealer = sealer
        self.fields = fields

    def seal_events(self, person_ref: str, events: Sequence[Any]) -> None:
        """Seal the personal fields of a person's new events, before they are stored."""
        for new_event in events:
            for name in self.fields:
                value = getattr(new_event, name, None)
                if isinstance(value, str) and value and not is_sealed(value):
                    # Domain events are frozen; this runs before the mapper stores them.
                    object.__setattr__(
                        new_event, name, self.sealer.seal(person_ref, value, field=name)
                    )
