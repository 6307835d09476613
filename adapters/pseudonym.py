"""Pseudonymisation at the agency edge: personnummer in, person reference out.

The reference is a keyed hash (HMAC-SHA256) so it cannot be reversed or recomputed
without the deployment's key; every agency uses the same key so their facts about one
person meet in one shared case. The personnummer itself is never stored or published.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date
from pathlib import Path

from adapters.keyfile import read_or_create_key

_PNR = re.compile(r"^(19|20)?(\d{6})[-+]?(\d{4})$")
COORDINATION_NUMBER_DAY_OFFSET = 60
"""A samordningsnummer is a personnummer whose day of birth has 60 added."""


class InvalidPersonnummer(ValueError):
    """Not a well-formed Swedish personal identity number (Luhn-checked)."""


def normalise_personnummer(raw: str) -> str:
    """``YYMMDDNNNC`` (10 digits) after checking the format and the Luhn digit."""
    match = _PNR.match(raw.strip().replace(" ", ""))
    if match is None:
        raise InvalidPersonnummer("expected YYYYMMDD-NNNN or YYMMDD-NNNN")
    century, birth, serial = match.groups()
    digits = birth + serial
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidPersonnummer("the check digit does not match")
    if not _is_birth_date(century, birth):
        raise InvalidPersonnummer("the date of birth does not exist")
    return digits


def _is_birth_date(century: str | None, yymmdd: str) -> bool:
    """Whether ``YYMMDD`` is a real date (a samordningsnummer's day has 60 added).

    Without the century the date must exist in 19YY or 20YY (29 February of "00").
    """
    day = int(yymmdd[4:])
    if day > COORDINATION_NUMBER_DAY_OFFSET:
        day -= COORDINATION_NUMBER_DAY_OFFSET
    centuries = (century,) if century else ("19", "20")
    for prefix in centuries:
        try:
            date(int(prefix + yymmdd[:2]), int(yymmdd[2:4]), day)
        except ValueError:
            continue
        return True
    return False


def luhn_check_digit(nine_digits: str) -> int:
    """The control digit (kontrollsiffra) of ``YYMMDDNNN``."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def new_person_ref() -> str:
    """A fresh reference in the shape the pseudonymiser produces (synthetic persons)."""
    return "p" + base64.b32encode(secrets.token_bytes(20)).decode().lower()[:26]


class Pseudonymiser:
    """Turns a personnummer into the shared ``person_ref`` (``p`` + 26 base32 chars)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the pseudonymisation key must be at least 32 bytes")
        self._key = key

    def person_ref(self, personnummer: str) -> str:
        digest = hmac.new(
            self._key, normalise_personnummer(personnummer).encode(), hashlib.sha256
        ).digest()
        return "p" + base64.b32encode(digest).decode().lower().rstrip("=")[:26]

    @classmethod
    def from_file(cls, path: Path) -> Pseudonymiser:
        """Load the key, creating it (mode 0600, atomically) on first use of a data dir."""
        return cls(read_or_create_key(path))
