"""Request and response bodies every agency's command API shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from contracts.base import OFFERING_ID_PATTERN
from domain.agencies import Agency, InterventionType, Outcome

AwareDatetime = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="When the fact took effect (RFC 3339 with offset). "
                 "Defaults to now; agencies often register after the fact."),
]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
OfferingId = Annotated[
    str,
    msgspec.Meta(max_length=64, pattern=OFFERING_ID_PATTERN, examples=["o-arbetstraning-lund"],
                 description="An offering in the catalogue: 'o-' and lowercase kebab case."),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Places = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class Command(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of command bodies: ``effective_at`` is the business time of the fact."""

    effective_at: AwareDatetime | None = None


PERSONNUMMER_PATTERN = (
    r"^(19|20)?[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
    r"[-+]?[0-9]{4}$"
)
"""Digits as a personnummer or samordningsnummer has them: a month, and a day (plus 60)."""

Personnummer = Annotated[
    str,
    msgspec.Meta(
        min_length=10, max_length=13, pattern=PERSONNUMMER_PATTERN,
        examples=["19811218-9876"],
        description="Swedish personal identity number, YYYYMMDD-NNNN or YYMMDD-NNNN ('+' "
        "for 100 years or older); a samordningsnummer has 60 added to the day. The month is "
        "01-12 and the day 01-31 (61-91); a date that does not exist (30 February) is "
        "refused with 422. The last digit is the Luhn check digit of the nine before it "
        "(YYMMDDNNN); a wrong one is refused with 422. Accepted at the agency edge only; "
        "never stored or published.",
        extra_json_schema={"format": "personnummer"},
    ),
]
PeriodEnd = Annotated[
    date,
    msgspec.Meta(description="On or after `period_from` (a period ending before it starts is "
                 "refused with 422)."),
]


class IdentifyPerson(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Personnummer at the agency edge; the answer is the pseudonymous person_ref."""

    personnummer: Personnummer


class PersonIdentified(msgspec.Struct, kw_only=True):
    person_ref: str


class Accepted(msgspec.Struct, kw_only=True):
    """A command's answer: what was recorded and under which ids."""

    person_ref: str
    version: int
    ids: dict[str, str] = {}
    # The integration event id of the command's last published event: pass it as
    # ``?after=`` to the shared case to read your own write.
    position: str | None = None


class GiveConsent(Command, kw_only=True):
    consent_scope: Annotated[str, msgspec.Meta(min_length=1, max_length=64,
                                               examples=["alla", "halsa"])]
    # The contract requires at least one agency; an empty list would never publish.
    to_agencies: Annotated[list[Agency], msgspec.Meta(min_length=1)]
    consent_id: Id | None = None


class RequestHandOff(Command, kw_only=True):
    to_agency: Agency
    reason: Text
    hand_off_id: Id | None = None
    # The offering in the receiving agency's catalogue the hand-off proposes.
    offering_id: OfferingId | None = None


class RejectHandOff(Command, kw_only=True):
    reason: Text


class ExitParticipant(Command, kw_only=True):
    outcome: Outcome


class RecordDisplayName(Command, kw_only=True):
    """How this agency's case workers recognise the person (e.g. "Anna A." or initials).

    Kept in this agency's own record, encrypted with the person's key, never published
    and never in the shared case; the coordination UI asks the viewer's agency for it.
    """

    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class DisplayNamesAsked(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    person_refs: Annotated[list[str], msgspec.Meta(max_length=500)]


class DisplayNames(msgspec.Struct, kw_only=True):
    """Per person_ref, the display name this agency's own record holds (known ones only)."""

    names: dict[str, str]


class PublishOffering(Command, kw_only=True):
    """Publish an offering in the catalogue, or replace what was published about it."""

    offering_id: OfferingId
    name: Name
    description: Text
    intervention_type: InterventionType
    target_groups: list[Name] = []
    places_total: Places
    places_free: Places
    valid_from: date
    valid_to: date | None = None


class ChangePlaces(Command, kw_only=True):
    """How many places of the offering are free now (lediga platser)."""

    places_free: Places


class OfferingAccepted(msgspec.Struct, kw_only=True):
    """A catalogue command's answer: the offering, its version and the event's id."""

    offering_id: str
    version: int
    position: str | None = None


class OfferingView(msgspec.Struct, kw_only=True):
    """The agency's own offering, as it last published it."""

    offering_id: str
    version: int
    name: str | None
    places_total: int
    places_free: int


class InvolvementView(msgspec.Struct, kw_only=True):
    """The agency's own record of the person, as this agency sees it."""

    person_ref: str
    agency: str
    version: int
    consents: dict[str, str]
    outgoing_hand_offs: dict[str, str]
    incoming_hand_offs: dict[str, str]
    contact_lost: bool
    holds_lead: bool
    exited: str | None
    details: dict[str, object] = {}
    display_name: str | None = None
