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


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """``agency`` is one of kommun, af, fk, region (None for the förbund's auditors and
    board)."""

    subject: str
    agency: str | None
    role: Role
