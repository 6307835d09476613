"""Events any of the four agencies publishes, each under its own agency prefix.

``se.samlad.af.hand-off-requested.v1`` and ``se.samlad.kommun.hand-off-requested.v1``
share one struct; the publishing agency is the one in the type and the source.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from contracts.base import Agency, Id, IntegrationEvent, Name, OfferingId, Outcome, Text

ConsentId = Annotated[Id, msgspec.Meta(description="The publisher's id of the consent.")]
RecordedBy = Annotated[
    Literal["agency", "person"],
    msgspec.Meta(description="Who recorded it: the publisher's case worker ('agency'), or "
                 "the person themself on their own page ('person')."),
]
HandOffId = Annotated[
    Id, msgspec.Meta(description="Id of the hand-off, chosen by the requesting agency.")
]


class ConsentGiven(IntegrationEvent, frozen=True, kw_only=True):
    """Samtycke lämnat: the person consents to sharing details with other agencies."""

    consent_id: ConsentId
    consent_scope: Annotated[
        Name,
        msgspec.Meta(description="What may be shared (e.g. 'samordning', 'sip', 'sus')."),
    ]
    to_agencies: Annotated[
        list[Agency],
        msgspec.Meta(min_length=1, description="Agencies that may see the details."),
    ]
    recorded_by: RecordedBy = "agency"


class ConsentWithdrawn(IntegrationEvent, frozen=True, kw_only=True):
    """Samtycke återkallat: the consent with this id no longer holds."""

    consent_id: ConsentId
    recorded_by: RecordedBy = "agency"


class HandOffRequested(IntegrationEvent, frozen=True, kw_only=True):
    """Överlämning begärd: the publisher asks another agency to take over a part."""

    hand_off_id: HandOffId
    to_agency: Annotated[Agency, msgspec.Meta(description="The agency asked to take over.")]
    reason: Annotated[Text, msgspec.Meta(description="Why the hand-off is asked for.")]
    offering_id: Annotated[
        OfferingId | None,
        msgspec.Meta(
            description=(
                "The offering in to_agency's catalogue (insatskatalog) the hand-off proposes; "
                "null or absent when it proposes none. Added within v1: optional."
            )
        ),
    ] = None


class HandOffAccepted(IntegrationEvent, frozen=True, kw_only=True):
    """Överlämning mottagen: the publisher accepts a hand-off from another agency."""

    hand_off_id: HandOffId
    from_agency: Annotated[Agency, msgspec.Meta(description="The agency that asked.")]


class HandOffRejected(IntegrationEvent, frozen=True, kw_only=True):
    """Överlämning avvisad: the publisher declines a hand-off from another agency."""

    hand_off_id: HandOffId
    from_agency: Annotated[Agency, msgspec.Meta(description="The agency that asked.")]
    reason: Annotated[Text, msgspec.Meta(description="Why the hand-off is declined.")]


class ContactLost(IntegrationEvent, frozen=True, kw_only=True):
    """Kontakt tappad: the person no longer shows up or answers at the publisher."""


class ContactResumed(IntegrationEvent, frozen=True, kw_only=True):
    """Kontakt återupptagen: the person is in contact with the publisher again."""


class LeadResponsibilityAssumed(IntegrationEvent, frozen=True, kw_only=True):
    """Samordningsansvar taget: the publisher holds the overall responsibility."""


class LeadResponsibilityReleased(IntegrationEvent, frozen=True, kw_only=True):
    """Samordningsansvar lämnat: the publisher no longer holds the overall responsibility."""


class ParticipantExited(IntegrationEvent, frozen=True, kw_only=True):
    """Avslut: the person leaves the publisher's support with an outcome (utfall)."""

    outcome: Annotated[Outcome, msgspec.Meta(description="Exit outcome as reported to SUS.")]


COMMON_EVENTS: tuple[type[IntegrationEvent], ...] = (
    ConsentGiven,
    ConsentWithdrawn,
    HandOffRequested,
    HandOffAccepted,
    HandOffRejected,
    ContactLost,
    ContactResumed,
    LeadResponsibilityAssumed,
    LeadResponsibilityReleased,
    ParticipantExited,
)
