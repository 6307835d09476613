"""``Principal`` — the authenticated caller of an API (handläggare, samordnare, …)."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Role(StrEnum):
    CASE_WORKER = "handlaggare"
    COORDINATOR = "samordnare"
    AUDITOR = "auditor"
    BOARD = "styrelse"  # the samordningsförbund's board: decides the rule policy
    SYSTEM = "system"
    PERSON = "person"
    """The participant (deltagaren) themself: reads and consents only about their own
    person reference (``Principal.person_ref``), never as or for an agency."""


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """``agency`` is one of kommun, af, fk, region (None for the förbund's auditors and
    board).

    ``person_ref`` names the person a ``person`` token speaks for (None for every other
    role): the one case it may read and consent about.
    """

    subject: str
    agency: str | None
    role: Role
    person_ref: str | None = None
