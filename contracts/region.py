"""Events the region (healthcare) publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from contracts.base import Id, IntegrationEvent, Name


class SickLeaveCertified(IntegrationEvent, frozen=True, kw_only=True):
    """Sjukskrivning: a medical certificate of sick leave (läkarintyg)."""

    certificate_id: Annotated[Id, msgspec.Meta(description="The region's id of the intyg.")]
    period_from: Annotated[date, msgspec.Meta(description="First day of sick leave.")]
    period_to: Annotated[date, msgspec.Meta(description="Last day of sick leave.")]
    extent_percent: Annotated[
        Literal[25, 50, 75, 100], msgspec.Meta(description="Omfattning in percent.")
    ]


class RehabilitationStarted(IntegrationEvent, frozen=True, kw_only=True):
    """Rehabilitering påbörjad."""

    rehabilitation_id: Annotated[Id, msgspec.Meta(description="The region's id.")]
    rehabilitation_kind: Annotated[
        Name, msgspec.Meta(description="Kind (e.g. 'fysioterapi', 'psykiatri', 'mmr').")
    ]


class RehabilitationEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Rehabilitering avslutad."""

    rehabilitation_id: Annotated[Id, msgspec.Meta(description="The region's id.")]
    further_support_needed: Annotated[
        bool, msgspec.Meta(description="True when the person needs further support.")
    ]


class SipParticipationConfirmed(IntegrationEvent, frozen=True, kw_only=True):
    """Deltagande i SIP bekräftat: the region takes part in the kommun's SIP."""

    sip_id: Annotated[Id, msgspec.Meta(description="Id of the SIP, as the kommun gave it.")]


REGION_EVENTS: tuple[type[IntegrationEvent], ...] = (
    SickLeaveCertified,
    RehabilitationStarted,
    RehabilitationEnded,
    SipParticipationConfirmed,
)
