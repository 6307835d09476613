"""Command bodies of the region's API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from services.agency.schemas import Command, Id, PeriodEnd


class CertifySickLeave(Command, kw_only=True):
    """Sjukskrivning (läkarintyg): from–to and omfattning."""

    period_from: date
    period_to: PeriodEnd
    extent_percent: Literal[25, 50, 75, 100]
    certificate_id: Id | None = None


class StartRehabilitation(Command, kw_only=True):
    rehabilitation_kind: Annotated[
        str, msgspec.Meta(min_length=1, max_length=200,
                          examples=["fysioterapi", "psykiatri", "mmr"]),
    ]
    rehabilitation_id: Id | None = None


class EndRehabilitation(Command, kw_only=True):
    further_support_needed: bool = False


class ConfirmSipParticipation(Command, kw_only=True):
    """The region takes part in the SIP the kommun initiated (its id as the kommun gave it)."""

    sip_id: Id
