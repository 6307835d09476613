"""Common ground of every integration event (integrationshändelse).

Contracts are the public API for agency integrators; they import msgspec and the
standard library only, never ``domain``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

PERSON_REF_PATTERN = r"^p[a-z2-7]{26}$"
OFFERING_ID_PATTERN = r"^o(-[a-z0-9]+)+$"
"""An offering's id: ``o-`` and kebab case, never a person reference (ADR 0020)."""
SUBJECT_REF_PATTERN = r"^(p[a-z2-7]{26}|o(-[a-z0-9]+)+)$"
"""The last token of an event subject: a person reference or an offering id."""

Agency = Literal["kommun", "af", "fk", "region"]
"""The four agencies (huvudmän) of a samordningsförbund."""

AGENCIES: tuple[Agency, ...] = ("kommun", "af", "fk", "region")
COORDINATION = "coordination"
"""The coordination service publishes alerts under this agency token."""

Outcome = Literal["arbete", "studier", "praktik", "soker_arbete", "annat"]
"""Exit outcome (utfall vid avslut) as reported to SUS."""

InterventionType = Literal[
    "arbetstraning",
    "praktik",
    "validering",
    "matchning",
    "studier",
    "halsospar",
    "rehabilitering",
    "arbetsmarknadsprogram",
]
"""Kind of intervention (insats)."""

PersonRef = Annotated[
    str,
    msgspec.Meta(
        pattern=PERSON_REF_PATTERN,
        description=(
            "Pseudonymous person reference: 'p' + 26 lowercase base32 characters of an "
            "HMAC-SHA256 of the personnummer under the deployment's key. Never a personnummer."
        ),
    ),
]
Id = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$"),
]
"""An identifier chosen by the publishing agency (uuid recommended)."""

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
"""Free text. Must not contain personnummer or names; shown to others only under consent."""

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]

EffectiveAt = Annotated[
    AwareDatetime,
    msgspec.Meta(
        description="Business time (giltig från): when the fact took effect, RFC 3339 with offset."
    ),
]
RecordedAt = Annotated[
    AwareDatetime,
    msgspec.Meta(
        description="When the agency registered the fact (registrerad), RFC 3339 with offset."
    ),
]
OfferingId = Annotated[
    str,
    msgspec.Meta(
        pattern=OFFERING_ID_PATTERN,
        max_length=64,
        description=(
            "The publisher's id of an offering in its catalogue (insatskatalog): 'o-' and "
            "lowercase kebab case, e.g. 'o-arbetstraning-lund'. The last token of the "
            "offering's subjects; unique per publishing agency."
        ),
    ),
]


class IntegrationEvent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """Integrationshändelse: a fact one agency publishes about one person.

    Unknown fields are ignored on decoding so that producers may add optional fields
    without a new version.
    """

    person_ref: PersonRef
    effective_at: EffectiveAt
    recorded_at: RecordedAt


class CatalogueEvent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """Kataloghändelse: a fact one agency publishes about one of its own offerings.

    Not about a person: the subject's last token is the ``offering_id`` (ADR 0020).
    """

    offering_id: OfferingId
    effective_at: EffectiveAt
    recorded_at: RecordedAt


ContractEvent = IntegrationEvent | CatalogueEvent
"""Every published event: about a person, or about an offering."""


def subject_ref(event: ContractEvent) -> str:
    """The subject's last token and the CloudEvents ``subject``: whom or what it is about."""
    if isinstance(event, CatalogueEvent):
        return event.offering_id
    return event.person_ref


def is_person_bound(struct: type[ContractEvent]) -> bool:
    """Whether events of ``struct`` are about a person (its subject is a person_ref)."""
    return issubclass(struct, IntegrationEvent)
