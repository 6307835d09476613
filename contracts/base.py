"""Common ground of every integration event (integrationshändelse).

Contracts are the public API for agency integrators; they import msgspec and the
standard library only, never ``domain``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

PERSON_REF_PATTERN = r"^p[a-z2-7]{26}$"

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


class IntegrationEvent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """Integrationshändelse: a fact one agency publishes about one person.

    Unknown fields are ignored on decoding so that producers may add optional fields
    without a new version.
    """

    person_ref: PersonRef
    effective_at: Annotated[
        AwareDatetime,
        msgspec.Meta(
            description=(
                "Business time (giltig från): when the fact took effect, RFC 3339 with offset."
            )
        ),
    ]
    recorded_at: Annotated[
        AwareDatetime,
        msgspec.Meta(
            description="When the agency registered the fact (registrerad), RFC 3339 with offset."
        ),
    ]
