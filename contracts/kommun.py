"""Events the kommun (socialtjänst, arbetsmarknadsenhet) publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from contracts.base import Agency, Id, IntegrationEvent, InterventionType, Name, Text

Gender = Literal["kvinna", "man", "annat"]
FurtherSupportNeeded = Annotated[
    bool, msgspec.Meta(description="True when the person needs further support (behov kvarstår).")
]


class PersonEnrolled(IntegrationEvent, frozen=True, kw_only=True):
    """Inskrivning vid AME: the kommun enrols the person in its labour-market unit.

    Carries what follow-up needs (kön, födelseår, kommun, målgrupp), never identity.
    """

    kommun: Annotated[Name, msgspec.Meta(description="Kommun name or code (e.g. '0380').")]
    gender: Annotated[Gender, msgspec.Meta(description="Kön, for gender-split statistics.")]
    birth_year: Annotated[
        int, msgspec.Meta(ge=1900, le=2100, description="Födelseår, for age bands.")
    ]
    target_groups: Annotated[
        list[Name],
        msgspec.Meta(
            description=(
                "Målgrupper, e.g. 'langtidsarbetslos', 'nyanland', 'ung', "
                "'funktionsnedsattning', 'sjukskriven', 'utanfor_12_manader'."
            )
        ),
    ]


class NeedsAssessmentCompleted(IntegrationEvent, frozen=True, kw_only=True):
    """Kartläggning klar: the kommun's needs assessment is done."""

    further_support_needed: FurtherSupportNeeded
    summary: Annotated[Text, msgspec.Meta(description="Short summary; shown only under consent.")]


class InterventionStarted(IntegrationEvent, frozen=True, kw_only=True):
    """Insats påbörjad: the person starts a kommun intervention."""

    intervention_id: Annotated[Id, msgspec.Meta(description="The kommun's id of the insats.")]
    intervention_type: Annotated[InterventionType, msgspec.Meta(description="Kind of insats.")]


class InterventionEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Insats avslutad: a kommun intervention ends."""

    intervention_id: Annotated[Id, msgspec.Meta(description="The kommun's id of the insats.")]
    further_support_needed: FurtherSupportNeeded


class IncomeSupportDecided(IntegrationEvent, frozen=True, kw_only=True):
    """Försörjningsstöd beviljat: a decision on income support."""

    decision_id: Annotated[Id, msgspec.Meta(description="The kommun's id of the beslut.")]
    period_from: Annotated[date, msgspec.Meta(description="First day of the decided period.")]
    period_to: Annotated[
        date | None, msgspec.Meta(description="Last day of the period; null while open-ended.")
    ]


class IncomeSupportEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Försörjningsstöd upphört: income support under this decision ends."""

    decision_id: Annotated[Id, msgspec.Meta(description="The kommun's id of the beslut.")]


class SipInitiated(IntegrationEvent, frozen=True, kw_only=True):
    """SIP initierad: a samordnad individuell plan is started with kommun and region."""

    sip_id: Annotated[Id, msgspec.Meta(description="Id of the SIP, shared with the region.")]
    lead_agency: Annotated[
        Agency, msgspec.Meta(description="Who holds the overall responsibility (huvudansvar).")
    ]


KOMMUN_EVENTS: tuple[type[IntegrationEvent], ...] = (
    PersonEnrolled,
    NeedsAssessmentCompleted,
    InterventionStarted,
    InterventionEnded,
    IncomeSupportDecided,
    IncomeSupportEnded,
    SipInitiated,
)
