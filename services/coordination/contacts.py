"""Whom the person calls: each agency's contact (kontaktuppgifter), read from config.

A static, documented table (``agency_contacts.toml`` beside this module, or the file
``SAMLAD_AGENCY_CONTACTS`` names), read once at start-up and passed down; the person's
page and ``GET /me`` show it as written, so no template carries a phone number.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec

from domain.agencies import Agency

DEFAULT_CONTACTS = Path(__file__).with_name("agency_contacts.toml")


class AgencyContact(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How to reach one agency: who, a phone number, a web address, when, and what for."""

    name: str
    phone: str | None = None
    web: str | None = None
    hours: str | None = None
    note: str | None = None


Contacts = dict[Agency, AgencyContact]


def load_contacts(path: Path | None = None) -> Contacts:
    """The contacts table; a missing agency simply has no contact shown."""
    with (path or DEFAULT_CONTACTS).open("rb") as file:
        table = tomllib.load(file)
    return msgspec.convert(table, dict[Agency, AgencyContact])
